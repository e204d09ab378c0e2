export const options = { scenarios: { s1: { executor: 'shared-iterations', exec: 'nope' } } };
export default function () {}
