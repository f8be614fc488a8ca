/** Lemon Squeezy order lives (./stories/lemonsqueezy.ts) in any order, any number of times (./harness.ts). */
import { describeOrderIndependence } from './harness.js';
import { lemonSqueezyStories } from './stories/lemonsqueezy.js';

describeOrderIndependence(lemonSqueezyStories);
