// The load flags the HTTP comparison scripts share (compare-builds.mjs, signal-costs.mjs): one set
// of flags with one set of bounds, so a round, a window and a warm-up mean the same in both.
import { STDOUT_KINDS } from './children.mjs';

/** @typedef {{type: 'string', default: string}} StringOption */

/**
 * `parseArgs` options for `--rounds --seconds --warmup --connections --stdout`, with the calling
 * script's defaults for rounds and seconds (warm-up 3 s, 10 connections, stdout to a file).
 * @param {{rounds: number, seconds: number}} defaults
 * @returns {{rounds: StringOption, seconds: StringOption, warmup: StringOption,
 *   connections: StringOption, stdout: StringOption}}
 */
export function loadOptionSpec({ rounds, seconds }) {
  return {
    rounds: { type: 'string', default: String(rounds) },
    seconds: { type: 'string', default: String(seconds) },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    stdout: { type: 'string', default: 'file' },
  };
}

const bounded = (value, min, max) => Math.min(max, Math.max(min, Math.round(Number(value)) || min));

/**
 * The parsed flags as bounded numbers (rounds 1-10, seconds 2-30, warm-up 0-30, connections
 * 1-100), so a run's length is known before it starts; `null` when `--stdout` is not one of
 * `file`, `pipe`, `null`.
 * @param {{[flag: string]: string | boolean | (string | boolean)[] | undefined}} values
 */
export function loadSettings(values) {
  if (!STDOUT_KINDS.includes(String(values.stdout))) return null;
  return {
    rounds: bounded(values.rounds, 1, 10),
    seconds: bounded(values.seconds, 2, 30),
    warmup: bounded(values.warmup, 0, 30),
    connections: bounded(values.connections, 1, 100),
    stdout: String(values.stdout),
  };
}
