export const options = { iterations: 1, handleSummaryTimeout: '1s' };
export default function () {}
export function handleSummary() { while (true) {} }
