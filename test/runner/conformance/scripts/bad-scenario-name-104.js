export const options = { scenarios: { 'bad name!': { executor: 'shared-iterations' } } };
export default function () {}
