export const options = { iterations: 3, tags: { fromscript: 'yes' }, thresholds: { 'iterations{env:staging}': ['count==3'], 'iterations{fromscript:yes}': ['count==0'] } };
export default function () {}
