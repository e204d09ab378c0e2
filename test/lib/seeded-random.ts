/**
 * Deterministic PRNG so statistical tests and scenario runs are reproducible: the runner's own
 * mulberry32 (the one behind `randomSeed`), not a second copy.
 */
export { seededRandom as seeded } from '../../runner/modules/k6';
