export const options = { iterations: 1, setupTimeout: '1s' };
export function setup() { while (true) {} }
export default function () {}
