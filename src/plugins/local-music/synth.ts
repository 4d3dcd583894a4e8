/**
 * Procedural music as an ffmpeg `aevalsrc` expression: a chord pad, an
 * arpeggiated pluck on a pulse, and a bass note on each beat, over a
 * four-chord loop. Pure: only numbers from the presets below enter the
 * expression, never user text.
 */
import { type Mood } from "../spec";

interface MoodPreset {
  bpm: number;
  /** Four chords, three tones each, in Hz. */
  chords: readonly (readonly [number, number, number])[];
  padGain: number;
  pluckGain: number;
  /** Plucks per beat. */
  pluckDiv: number;
  /** Pluck decay rate (1/s); higher is shorter. */
  pluckDecay: number;
  bassGain: number;
  bassDecay: number;
  /** Post filters (our constants only). */
  post: string;
}

// Chords: I–V–vi–IV (C), i–VI–III–VII (A minor), I–vi–IV–V (D), Fmaj7–Cmaj7-like pads.
const C = [261.63, 329.63, 392.0] as const;
const G = [196.0, 246.94, 293.66] as const;
const Am = [220.0, 261.63, 329.63] as const;
const F = [174.61, 220.0, 261.63] as const;
const D = [293.66, 369.99, 440.0] as const;
const Bm = [246.94, 293.66, 369.99] as const;
const A = [220.0, 277.18, 329.63] as const;
const Em = [164.81, 196.0, 246.94] as const;

export const MOOD_PRESETS: { readonly [M in Exclude<Mood, "none">]: MoodPreset } = {
  upbeat: { bpm: 120, chords: [C, G, Am, F], padGain: 0.1, pluckGain: 0.22, pluckDiv: 2, pluckDecay: 9, bassGain: 0.3, bassDecay: 5, post: "lowpass=f=6000" },
  calm: { bpm: 70, chords: [F, C, Am, Em], padGain: 0.16, pluckGain: 0.1, pluckDiv: 1, pluckDecay: 3, bassGain: 0.15, bassDecay: 2, post: "lowpass=f=2500,aecho=0.8:0.7:90:0.35" },
  dramatic: { bpm: 84, chords: [Am, F, C, G], padGain: 0.15, pluckGain: 0.12, pluckDiv: 2, pluckDecay: 6, bassGain: 0.42, bassDecay: 3, post: "lowpass=f=3500,aecho=0.8:0.6:120:0.3" },
  corporate: { bpm: 105, chords: [D, Bm, G, A], padGain: 0.1, pluckGain: 0.2, pluckDiv: 2, pluckDecay: 8, bassGain: 0.25, bassDecay: 4, post: "lowpass=f=5000" },
};

const n = (x: number) => Number(x.toFixed(5)).toString();

/** Nested if() choosing values[i] by the index expression. */
function select(index: string, values: readonly string[]): string {
  return values.slice(0, -1).reduceRight((acc, v, i) => `if(eq(${index},${i}),${v},${acc})`, values[values.length - 1]!);
}

/** One channel's expression; `detune` slightly shifts pitch for stereo width. Commas are NOT escaped. */
export function channelExpression(p: MoodPreset, detune: number): string {
  const beat = 60 / p.bpm;
  const bar = beat * 4;
  const pulse = beat / p.pluckDiv;
  const chord = `mod(floor(t/${n(bar)}),${p.chords.length})`;
  const tone = (k: 0 | 1 | 2) => select(chord, p.chords.map((c) => n(c[k] * detune)));
  const sine = (freq: string, mult = 1) => `sin(2*PI*${freq}*${n(mult)}*t)`;
  // 40 ms fades at bar lines hide the phase jump of a chord change.
  const barEnv = `min(1,min(mod(t,${n(bar)})/0.04,(${n(bar)}-mod(t,${n(bar)}))/0.04))`;
  // Attack and release ramps at both ends of each note: an abrupt start or stop clicks.
  const noteEnv = (period: number, decay: number) =>
    `min(min(1,mod(t,${n(period)})/0.006),min(1,(${n(period)}-mod(t,${n(period)}))/0.02))*exp(-${n(decay)}*mod(t,${n(period)}))`;
  const pluckEnv = noteEnv(pulse, p.pluckDecay);
  const bassEnv = noteEnv(beat, p.bassDecay);
  const arpTone = select(`mod(floor(t/${n(pulse)}),3)`, [tone(0), tone(1), tone(2)]);
  const pad = `${n(p.padGain / 3)}*(${sine(tone(0))}+${sine(tone(1))}+${sine(tone(2))})`;
  const pluck = `${n(p.pluckGain)}*${pluckEnv}*${sine(arpTone, 2)}`;
  const bass = `${n(p.bassGain)}*${bassEnv}*${sine(tone(0), 0.5)}`;
  return `${barEnv}*(${pad}+${pluck}+${bass})`;
}

/** The full lavfi source: stereo, escaped for the filtergraph parser. */
export function musicSource(mood: Exclude<Mood, "none">, durationSec: number, sampleRate: number): string {
  const p = MOOD_PRESETS[mood];
  const esc = (e: string) => e.replaceAll(",", "\\,");
  return `aevalsrc=exprs=${esc(channelExpression(p, 1))}|${esc(channelExpression(p, 1.003))}:s=${sampleRate}:d=${n(durationSec)}`;
}

export function musicPostFilter(mood: Exclude<Mood, "none">, durationSec: number, fadeSec: number): string {
  const fade = Math.min(fadeSec, durationSec / 4);
  return `${MOOD_PRESETS[mood].post},afade=t=in:d=${n(fade)},afade=t=out:st=${n(Math.max(0, durationSec - fade))}:d=${n(fade)},volume=-3dB`;
}
