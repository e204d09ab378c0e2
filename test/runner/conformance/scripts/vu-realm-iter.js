// Reads __ITER, which a shared realm cannot give per VU.
export const options = { iterations: 1 };
export default function () {
  if (__ITER !== 0) throw new Error('first iteration is not 0');
}
