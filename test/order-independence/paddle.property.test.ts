/** Paddle order lives (./stories/paddle.ts) in any order, any number of times (./harness.ts). */
import { describeOrderIndependence } from './harness.js';
import { paddleStories } from './stories/paddle.js';

describeOrderIndependence(paddleStories);
