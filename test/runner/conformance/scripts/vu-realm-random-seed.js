// Calls randomSeed, which seeds Math.random of the VU's realm.
import { randomSeed } from 'k6';
randomSeed(42);
export const options = { iterations: 1 };
export default function () {}
