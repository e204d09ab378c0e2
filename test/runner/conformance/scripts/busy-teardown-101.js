export const options = { iterations: 1, teardownTimeout: '1s' };
export default function () {}
export function teardown() { while (true) {} }
