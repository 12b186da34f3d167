/**
 * Builds the conversational corpus from the conversations written for the project
 * (corpus/chat/es-*.txt: `### id | register | region | who` headers, `A: message` lines):
 *
 * - a near-duplicate filter: a message of 8 words or more that repeats an 8-word span of an
 *   earlier kept message is dropped (short messages such as "ok" or "ya voy" are kept as often
 *   as they occur: people send them that often);
 * - a held-out split of whole conversations (every conversation whose id hashes to 0 mod 20),
 *   never trained on;
 * - corpus/es-chat.train.txt and corpus/es-chat.heldout.txt, one message a line;
 * - corpus/es-respuestas.train.tsv and corpus/es-respuestas.heldout.tsv, message → reply pairs
 *   (a message and the next message by another person in the same conversation; a run of
 *   messages by one person counts as one turn, joined with a space).
 *
 * Prints the figures corpus/README.md reports. Usage: node --import tsx scripts/build-chat-corpus.ts
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

interface Conversation {
  id: string;
  register: string;
  region: string;
  turns: { who: string; text: string }[];
}

const dir = new URL('../corpus/chat/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => /^es-\d+\.txt$/.test(f))
  .sort();
const conversations: Conversation[] = [];
for (const f of files) {
  let c: Conversation | undefined;
  for (const raw of readFileSync(new URL(f, dir), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('###')) {
      const [id = '', register = '', region = ''] = line
        .slice(3)
        .split('|')
        .map((x) => x.trim());
      c = { id, register, region, turns: [] };
      conversations.push(c);
      continue;
    }
    const m = /^([A-Z]):\s*(.+)$/.exec(line);
    if (!m || !c) throw new Error(`${f}: a line that is neither a header nor a message: ${JSON.stringify(line)}`);
    c.turns.push({ who: m[1]!, text: m[2]!.trim() });
  }
}

const words = (s: string) =>
  s
    .normalize('NFC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? [];
const spans = (s: string) => {
  const w = words(s);
  const out: string[] = [];
  for (let i = 0; i + 8 <= w.length; i++) out.push(w.slice(i, i + 8).join(' '));
  return out;
};

/** Share of messages of 8+ words with an 8-word span that another message also holds. */
function repeatShare(messages: string[]): { long: number; repeating: number } {
  const count = new Map<string, number>();
  for (const m of messages) for (const s of new Set(spans(m))) count.set(s, (count.get(s) ?? 0) + 1);
  let long = 0,
    repeating = 0;
  for (const m of messages) {
    const sp = spans(m);
    if (sp.length === 0) continue;
    long++;
    if (sp.some((s) => count.get(s)! > 1)) repeating++;
  }
  return { long, repeating };
}

const all = conversations.flatMap((c) => c.turns.map((t) => t.text));
const before = repeatShare(all);
const seen = new Set<string>();
let dropped = 0;
for (const c of conversations) {
  c.turns = c.turns.filter((t) => {
    const sp = spans(t.text);
    if (sp.some((s) => seen.has(s))) {
      dropped++;
      return false;
    }
    for (const s of sp) seen.add(s);
    return true;
  });
}
const kept = conversations.flatMap((c) => c.turns.map((t) => t.text));
const after = repeatShare(kept);

/** FNV-1a of the id: the split does not depend on the order of the files. */
const hash = (s: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
};
const heldOut = (c: Conversation) => hash(c.id) % 20 === 0;

function pairs(cs: Conversation[]): string[] {
  const out: string[] = [];
  for (const c of cs) {
    const turns: { who: string; text: string }[] = [];
    for (const t of c.turns) {
      const last = turns.at(-1);
      if (last && last.who === t.who) last.text += ' ' + t.text;
      else turns.push({ ...t });
    }
    for (let i = 0; i + 1 < turns.length; i++)
      out.push(`${turns[i]!.text.replace(/\t/g, ' ')}\t${turns[i + 1]!.text.replace(/\t/g, ' ')}`);
  }
  return out;
}

const train = conversations.filter((c) => !heldOut(c));
const held = conversations.filter(heldOut);
const lines = (cs: Conversation[]) => cs.flatMap((c) => c.turns.map((t) => t.text));
const out = (name: string, rows: string[]) =>
  writeFileSync(new URL(`../corpus/${name}`, import.meta.url), rows.join('\n') + '\n');
out('es-chat.train.txt', lines(train));
out('es-chat.heldout.txt', lines(held));
out('es-respuestas.train.tsv', pairs(train));
out('es-respuestas.heldout.tsv', pairs(held));

const pct = (a: number, b: number) => ((100 * a) / b).toFixed(1) + ' %';
const registers = new Map<string, number>();
for (const c of conversations) registers.set(c.register, (registers.get(c.register) ?? 0) + 1);
console.log(
  JSON.stringify(
    {
      conversations: conversations.length,
      messagesWritten: all.length,
      messagesKept: kept.length,
      droppedAsNearDuplicates: dropped,
      repeatingAn8WordSpan: {
        before: `${before.repeating} of ${before.long} messages of 8+ words (${pct(before.repeating, before.long)})`,
        after: `${after.repeating} of ${after.long} (${pct(after.repeating, after.long)})`,
      },
      train: { conversations: train.length, messages: lines(train).length, pairs: pairs(train).length },
      heldOut: { conversations: held.length, messages: lines(held).length, pairs: pairs(held).length },
      words: kept.reduce((n, m) => n + words(m).length, 0),
      registers: Object.fromEntries([...registers].sort((a, b) => b[1] - a[1])),
    },
    null,
    2,
  ),
);
