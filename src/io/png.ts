// What a PNG holds, for telling a real picture from a blank frame: its size and how much its pixels vary.
import { PNG } from 'pngjs';

export interface PngStats {
  readonly width: number;
  readonly height: number;
  /** Variance of the pixels' luminance (0 for a single-colour image). */
  readonly variance: number;
}

export function pngStats(png: Buffer): PngStats {
  const { width, height, data } = PNG.sync.read(png);
  let sum = 0;
  let squares = 0;
  const pixels = width * height;
  for (let at = 0; at < data.length; at += 4) {
    const luminance = 0.2126 * data[at]! + 0.7152 * data[at + 1]! + 0.0722 * data[at + 2]!;
    sum += luminance;
    squares += luminance * luminance;
  }
  const mean = sum / pixels;
  return { width, height, variance: squares / pixels - mean * mean };
}

/** Below this the frame is one colour but for noise: nothing has been drawn yet. */
export const BLANK_VARIANCE = 1;
