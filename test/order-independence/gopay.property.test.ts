/** GoPay order lives (./stories/gopay.ts) in any order, any number of times (./harness.ts). */
import { describeOrderIndependence } from './harness.js';
import { goPayStories } from './stories/gopay.js';

describeOrderIndependence(goPayStories);
