// Imports a module that reads __ITER.
import { iterationLabel } from './lib/iteration-label.js';
export const options = { iterations: 1 };
export default function () {
  iterationLabel();
}
