export function iterationLabel() {
  return `iteration ${__ITER}`;
}
