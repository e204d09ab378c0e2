export const options = { iterations: 1, teardownTimeout: '1s' };
export default function () {}
export async function teardown() { await new Promise((r) => setTimeout(r, 3000)); }
