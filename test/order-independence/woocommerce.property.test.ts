/** WooCommerce order lives (./stories/woocommerce.ts) in any order, any number of times (./harness.ts). */
import { describeOrderIndependence } from './harness.js';
import { wooCommerceStories } from './stories/woocommerce.js';

describeOrderIndependence(wooCommerceStories);
