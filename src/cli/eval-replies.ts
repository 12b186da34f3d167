/**
 * `rnn-predict eval --replies FILE`: reply recall@3, MRR and distinctness on held-out
 * message<TAB>reply pairs, by the model's reply list (rank), free decoding (beam) or the
 * tf-idf baseline; with --adapt, before and after learning the replies of the first half.
 */
import { loadModelDir } from '../node/model-dir.js';
import { pct } from '../node/text-io.js';
import type { OptionValues } from './options.js';
import { readPairs, UsageError, type Output } from './common.js';
import type { EVAL_OPTIONS } from './eval.js';

/** The methods `eval --replies` compares (docs/quality.md, "Replies: three ways compared"). */
export const REPLY_METHODS = ['rank', 'beam', 'tfidf', 'all'] as const;

/** eval --replies: reply recall@3, MRR and distinctness on held-out pairs. */
export async function evalReplies(values: OptionValues<typeof EVAL_OPTIONS>, out: Output): Promise<number> {
  const method = values['reply-method'];
  const methods = method === 'all' ? (['rank', 'beam', 'tfidf'] as const) : ([method] as const);
  const wantsModel = methods.some((m) => m !== 'tfidf');
  if (wantsModel && !values.model)
    throw new UsageError(`eval --replies with --reply-method ${method} needs --model DIR`);
  if (methods.includes('tfidf') && !values.train)
    throw new UsageError('eval --replies with the tfidf baseline needs --train FILE (the training pairs)');
  let pairs = readPairs(values.replies!);
  const max = values['max-lines'];
  if (max !== undefined) pairs = pairs.slice(0, max);
  const { ReplyRanker, evaluateReplies } = await import('../inference/suggest/replies.js');
  const prune = values['reply-prune'];
  const ranker = wantsModel ? new ReplyRanker(await loadModelDir(values.model!)) : undefined;
  const results: Record<string, Record<string, number>> = {};
  for (const m of methods) {
    const started = Date.now();
    let suggest: (message: string) => readonly string[];
    if (m === 'rank') suggest = (msg) => ranker!.rank(msg, 3, 0, prune).map((r) => r.text);
    else if (m === 'beam') suggest = (msg) => ranker!.beam(msg, 3);
    else {
      const { tfidfReplier } = await import('../node/reply-baseline.js').catch((e: Error) => {
        throw new UsageError(
          `--reply-method tfidf needs the natural package (npm install natural): ${e.message.split('\n')[0]}`,
        );
      });
      suggest = tfidfReplier(readPairs(values.train!));
    }
    const r = evaluateReplies(pairs, suggest);
    results[m] = { ...r, seconds: (Date.now() - started) / 1000 };
  }
  if (values.adapt) {
    // Learning (issue 31, item 7): the pairs in order as one person's; the second half scored
    // before and after learning the replies of the first (learn(text, inReplyTo)).
    if (!ranker) throw new UsageError('eval --replies --adapt needs --model DIR');
    const half = Math.floor(pairs.length / 2);
    const later = pairs.slice(half);
    const { replyKey } = await import('../inference/suggest/replies.js');
    const sentKeys = new Set(pairs.slice(0, half).map(([, r]) => replyKey(r)));
    // The pairs answered with a reply the person had sent before: where learning should show.
    const again = later.filter(([, r]) => sentKeys.has(replyKey(r)));
    const score = (ps: typeof pairs) => evaluateReplies(ps, (msg) => ranker.rank(msg, 3, 0, prune).map((r) => r.text));
    const [before, beforeAgain] = [score(later), score(again)];
    for (const [, reply] of pairs.slice(0, half)) ranker.learnReply(reply);
    const [after, afterAgain] = [score(later), score(again)];
    results.adapt = {
      pairs: later.length,
      learned: half,
      replyRecall3Before: before.replyRecall3,
      replyRecall3After: after.replyRecall3,
      replyMrrBefore: before.replyMrr,
      replyMrrAfter: after.replyMrr,
      sentBefore: again.length,
      replyRecall3SentBefore: beforeAgain.replyRecall3,
      replyRecall3SentAfter: afterAgain.replyRecall3,
    };
  }
  const first = results[methods[0]]!;
  const { adapt, ...byMethod } = results;
  if (values.json)
    out.log(JSON.stringify({ method: methods[0], ...first, methods: byMethod, ...(adapt ? { adapt } : {}) }, null, 2));
  else
    for (const m of methods) {
      const r = results[m]!;
      out.log(
        `${m}: reply recall@3 ${pct(r.replyRecall3)}, MRR ${r.replyMrr!.toFixed(3)}, distinct ${pct(r.replyDistinct)}, offered ${pct(r.replyOffered)} (${r.pairs} pairs, ${r.seconds!.toFixed(0)} s)`,
      );
    }
  const a = results.adapt;
  if (a && !values.json)
    out.log(
      `learning the replies of the first ${a.learned} pairs: recall@3 on the other ${a.pairs} ${pct(a.replyRecall3Before)} → ${pct(a.replyRecall3After)}, MRR ${a.replyMrrBefore!.toFixed(3)} → ${a.replyMrrAfter!.toFixed(3)}; on the ${a.sentBefore} answered with a reply sent before ${pct(a.replyRecall3SentBefore)} → ${pct(a.replyRecall3SentAfter)}`,
    );
  return 0;
}
