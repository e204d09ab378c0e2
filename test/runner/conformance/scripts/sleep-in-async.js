import { sleep } from 'k6';
export const options = { iterations: 1 };
export default async function () { await Promise.resolve(); sleep(0.1); }
