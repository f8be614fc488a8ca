/** Stripe order lives (./stories/stripe.ts) in any order, any number of times (./harness.ts). */
import { describeOrderIndependence } from './harness.js';
import { stripeStories } from './stories/stripe.js';

describeOrderIndependence(stripeStories);
