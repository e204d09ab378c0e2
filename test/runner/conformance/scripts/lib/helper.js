export const greeting = 'hello from a relative module';
export function double(x) { return x * 2; }
