export const options = { iterations: 1, setupTimeout: '1s' };
export async function setup() { await new Promise((r) => setTimeout(r, 3000)); }
export default function () {}
