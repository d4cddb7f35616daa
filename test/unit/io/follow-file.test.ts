// followLines: every complete line another process appends arrives once and in order, a partial line
// (or a split UTF-8 character) is held until its newline, a file that does not exist yet is picked up
// once created, `until` ends the follow after everything written before it turned true, and an abort
// stops it. Waits are on observed events (a line arrived, a new pass began), never on elapsed time.
import test from 'ava';
import { execa } from 'execa';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { followLines } from '../../../src/io/follow-file.js';

let root = '';
let files = 0;

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccci-follow-'));
});

test.after.always(async () => {
  for (const follower of followers) follower.controller.abort(); // a follower left waiting by a failed test
  await rm(root, { recursive: true, force: true });
});

const freshPath = () => join(root, `file-${++files}.log`);

/** A follower that misses what it waits for would wait forever: fail it instead (a guard, not a measurement). */
const HANG_GUARD_MS = 15_000;

/**
 * A follower plus what it observed: the lines, and the passes it began (`until` is asked at the start
 * of every pass, so a pass that began after a line arrived means the pass that read it got to the end
 * of the file).
 */
const followers: Follower[] = [];

class Follower {
  readonly lines: string[] = [];
  passes = 0;
  done = false;
  finish = false;
  readonly controller = new AbortController();
  readonly finished: Promise<void>;
  private waiters: { ready: () => boolean; resolve: () => void }[] = [];

  constructor(path: string, options: { pollMs?: number; withUntil?: boolean; asyncUntil?: boolean; finish?: boolean } = {}) {
    this.finish = options.finish ?? false;
    followers.push(this);
    const withUntil = options.withUntil ?? true;
    const until = () => {
      this.passes++;
      this.check();
      return this.finish;
    };
    this.finished = followLines(
      path,
      (line) => {
        this.lines.push(line);
        this.check();
      },
      {
        signal: this.controller.signal,
        pollMs: options.pollMs ?? 20,
        ...(withUntil ? { until: options.asyncUntil ? async () => until() : until } : {}),
      },
    ).finally(() => {
      this.done = true;
    });
  }

  private check(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (waiter.ready()) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }

  /** Resolves once `ready` holds (checked after every line and at the start of every pass). */
  when(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ready, resolve }));
  }

  /** Resolves once `line` has arrived. */
  line(line: string): Promise<void> {
    return this.when(() => this.lines.includes(line));
  }

  /** Resolves once everything in the file at this moment has been read (a whole pass began after now, and ended). */
  async settled(): Promise<void> {
    const start = this.passes;
    await this.when(() => this.passes >= start + 2);
  }
}

test('lines appended by a separate writer process arrive complete and in order, however the writes split them', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  await writeFile(path, '');
  const follower = new Follower(path);
  // 30 lines written in pieces that cut lines anywhere, 5 ms apart
  const script = `
    const { appendFileSync } = require('node:fs');
    const text = Array.from({ length: 30 }, (_, i) => 'line ' + (i + 1) + ' ' + 'x'.repeat(i)).join('\\n') + '\\n';
    let at = 0, size = 1;
    const step = () => {
      if (at >= text.length) return;
      appendFileSync(${JSON.stringify(path)}, text.slice(at, at + size));
      at += size; size = (size * 7) % 23 + 1;
      setTimeout(step, 5);
    };
    step();`;
  const writer = await execa(process.execPath, ['-e', script]);
  t.is(writer.exitCode, 0);
  await follower.line(`line 30 ${'x'.repeat(29)}`);
  follower.controller.abort();
  await follower.finished;
  t.deepEqual(
    follower.lines,
    Array.from({ length: 30 }, (_, index) => `line ${index + 1} ${'x'.repeat(index)}`),
  );
});

test('a partial line is held until its newline arrives', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  await writeFile(path, 'first\npar');
  const follower = new Follower(path);
  await follower.line('first');
  await follower.settled();
  t.deepEqual(follower.lines, ['first'], 'the partial line was read but not handed out');
  await appendFile(path, 'tial');
  await follower.settled();
  t.deepEqual(follower.lines, ['first']);
  await appendFile(path, '\nnext\n');
  await follower.line('next');
  follower.controller.abort();
  await follower.finished;
  t.deepEqual(follower.lines, ['first', 'partial', 'next']);
});

test('a UTF-8 character split across two writes arrives whole', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  const bytes = Buffer.from('café ✓\n', 'utf8');
  const cut = bytes.indexOf(0xe2) + 1; // inside the three bytes of ✓
  await writeFile(path, bytes.subarray(0, cut));
  const follower = new Follower(path);
  await follower.settled();
  await appendFile(path, bytes.subarray(cut));
  await follower.line('café ✓');
  follower.controller.abort();
  await follower.finished;
  t.deepEqual(follower.lines, ['café ✓']);
});

test('a line longer than the read chunk arrives as one line', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  const long = 'y'.repeat(200_000);
  await writeFile(path, `${long}\nshort\n`);
  const follower = new Follower(path);
  await follower.line('short');
  follower.controller.abort();
  await follower.finished;
  t.deepEqual(
    follower.lines.map((line) => line.length),
    [200_000, 5],
  );
  t.is(follower.lines[0], long);
});

test('a file that does not exist yet is picked up once it is created', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  const follower = new Follower(path);
  await follower.when(() => follower.passes >= 3); // it looked for the file and found none, several times
  t.deepEqual(follower.lines, []);
  t.false(follower.done);
  await writeFile(path, 'hello\n');
  await follower.line('hello');
  await appendFile(path, 'world\n');
  await follower.line('world');
  follower.controller.abort();
  await follower.finished;
  t.deepEqual(follower.lines, ['hello', 'world']);
});

test('until: resolves by itself after reading everything written before until turned true', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  await writeFile(path, '');
  const follower = new Follower(path);
  await follower.settled();
  for (let index = 1; index <= 20; index++) {
    await appendFile(path, `event ${index}\n`);
    if (index % 5 === 0) await sleep(5);
  }
  follower.finish = true;
  await follower.finished;
  t.false(follower.controller.signal.aborted);
  t.deepEqual(
    follower.lines,
    Array.from({ length: 20 }, (_, index) => `event ${index + 1}`),
  );
  t.is(follower.lines.at(-1), 'event 20');
});

test('until already true at the start: the whole file is still read once', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  await writeFile(path, 'a\nb\nc\n');
  const follower = new Follower(path, { finish: true });
  await follower.finished;
  t.deepEqual(follower.lines, ['a', 'b', 'c']);
  t.is(follower.passes, 1);
});

test('until: a last line without a newline is handed out at the end', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  await writeFile(path, 'a\nb');
  const follower = new Follower(path);
  await follower.settled();
  t.deepEqual(follower.lines, ['a']);
  await appendFile(path, 'c');
  follower.finish = true;
  await follower.finished;
  t.deepEqual(follower.lines, ['a', 'bc']);
});

test('until may be asynchronous', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  await writeFile(path, 'one\n');
  const follower = new Follower(path, { asyncUntil: true });
  await follower.line('one');
  await appendFile(path, 'two\n');
  follower.finish = true;
  await follower.finished;
  t.deepEqual(follower.lines, ['one', 'two']);
});

test('until true while the file does not exist ends the follow with no lines', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const follower = new Follower(freshPath());
  follower.finish = true;
  await follower.finished;
  t.deepEqual(follower.lines, []);
});

test('an abort stops the follow: it resolves, and lines written afterwards are not handed out', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  await writeFile(path, 'before\n');
  const follower = new Follower(path, { pollMs: 20 });
  await follower.line('before');
  await follower.settled();
  follower.controller.abort();
  await follower.finished;
  await appendFile(path, 'after\n');
  t.deepEqual(follower.lines, ['before']);
});

// The abort listener wakes the poll wait only if the follower is already waiting; an abort that lands
// while it reads (here: from the line handler's continuation) must not be left for the next poll.
test('an abort that lands while the follower is reading resolves it without waiting out the poll interval', async (t) => {
  t.timeout(10_000, 'the abort did not end the follow: it waits out its ten-minute poll');
  const path = freshPath();
  await writeFile(path, 'before\n');
  const follower = new Follower(path, { withUntil: false, pollMs: 10 * 60_000 });
  t.teardown(async () => {
    if (!follower.done) await appendFile(path, 'wake\n'); // a change notification lets a stuck follower notice the abort
  });
  await follower.line('before');
  follower.controller.abort();
  await follower.finished;
  t.deepEqual(follower.lines, ['before']);
});

test('an already aborted signal resolves without reading', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const path = freshPath();
  await writeFile(path, 'never\n');
  const controller = new AbortController();
  controller.abort();
  const lines: string[] = [];
  await followLines(path, (line) => lines.push(line), { signal: controller.signal });
  t.deepEqual(lines, []);
});

test('an abort while the file does not exist yet stops the follow', async (t) => {
  t.timeout(HANG_GUARD_MS);
  const follower = new Follower(freshPath());
  await follower.when(() => follower.passes >= 2);
  follower.controller.abort();
  await follower.finished;
  t.deepEqual(follower.lines, []);
});
