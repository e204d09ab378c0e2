import { something } from 'https://example.com/lib.js';
export default function () { something(); }
