/** Gumroad order lives (./stories/gumroad.ts) in any order, any number of times (./harness.ts). */
import { describeOrderIndependence } from './harness.js';
import { gumroadStories } from './stories/gumroad.js';

describeOrderIndependence(gumroadStories);
