// Echoes ava's TAP and ends with the plain line CI reads: "N passed, N failed, N skipped".
import { createInterface } from 'node:readline';

const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
for await (const line of createInterface({ input: process.stdin })) {
  console.log(line);
  const match = /^(not ok|ok) \d+\b.*?(?:# (SKIP|TODO)\b.*)?$/.exec(line);
  if (!match) continue;
  if (match[2] === 'SKIP') counts.skipped++;
  else if (match[2] === 'TODO') counts.todo++;
  else if (match[1] === 'ok') counts.passed++;
  else counts.failed++;
}
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
