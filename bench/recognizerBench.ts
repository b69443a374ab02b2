import { spawn } from 'node:child_process';
import path from 'node:path';
import type { EvalResult } from '../nlu/evalRun';
import { lexiconSentiment, nodeNlpSentiment } from '../nlu/sentiment';
import { type Labelled, SENTIMENT_EVERYDAY_SET, SENTIMENT_GENDER_SET, SENTIMENT_SET } from '../nlu/sentimentEval';
import { round, section, type BenchSink } from './benchKit';

/**
 * `npm run bench` sections "nlu" (intent recognition on CLINC150 and Braun, evaluated in a child process so it can
 * train beside the store section) and "sentiment" (a small labelled set written here).
 */
export interface NluChild {
  ready: Promise<void>;
  go(): Promise<{ clinc150?: EvalResult; braun: Record<string, EvalResult> }>;
}

/** The recognizer's evaluation in a child process (bench/nluChild.ts): it trains at once and times only on `go`. */
export function startNluChild(data: string): NluChild {
  const p = spawn(process.execPath, [path.join(__dirname, 'nluChild.js'), data], { stdio: ['pipe', 'pipe', 'inherit'] });
  const settle: { ready?: [() => void, (e: Error) => void]; result?: [(line: string) => void, (e: Error) => void] } = {};
  const ready = new Promise<void>((resolve, reject) => (settle.ready = [resolve, reject]));
  const result = new Promise<string>((resolve, reject) => (settle.result = [resolve, reject]));
  // Rejections are reported to whoever awaits them (the store section, then go()), not as unhandled.
  ready.catch(() => undefined);
  result.catch(() => undefined);
  let buf = '';
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line === 'ready') settle.ready![0]();
      else if (line.startsWith('{')) settle.result![0](line);
    }
  });
  p.on('exit', (code) => {
    const e = new Error(`nluChild exited with ${code}`);
    settle.ready![1](e);
    settle.result![1](e);
  });
  return {
    ready,
    async go() {
      await ready;
      p.stdin.write('go\n');
      return JSON.parse(await result) as Awaited<ReturnType<NluChild['go']>>;
    },
  };
}

export async function recognizer({ rows, results, options }: BenchSink, child: NluChild): Promise<void> {
  const DATA = options.data;
  section('intent recognition (trained on train, threshold on validation, measured on test)');
  const clincFile = path.join(DATA, 'clinc150', 'data_full.json');
  const out: Record<string, unknown> = {};
  const { clinc150: r, braun: corpora } = await child.go();
  if (r) {
    out.clinc150 = {
      accuracy: round(r.accuracy * 100, 1),
      oosRecall: round((r.oosRecall ?? 0) * 100, 1),
      oosPrecision: round((r.oosPrecision ?? 0) * 100, 1),
      msPerUtterance: round(r.msPerUtterance, 3),
      trainSeconds: round(r.trainSeconds, 1),
    };
    rows.push([
      'CLINC150 in-scope acc / OOS recall',
      `${round(r.accuracy * 100, 1)} % / ${round((r.oosRecall ?? 0) * 100, 1)} %, ${round(r.msPerUtterance, 2)} ms/utt`,
      'SVM 91.0/14.5 (18.0 thr), Rasa 91.5/45.3, DialogFlow 91.7/14.0, BERT 96.2/52.3; node-nlp default 85.4/4–16',
    ]);
  } else {
    process.stdout.write(`CLINC150 SKIPPED: ${clincFile} not found (pass --data DIR)\n`);
  }
  const braun: Record<string, number> = {};
  let correct = 0;
  let total = 0;
  for (const name of ['ChatbotCorpus', 'AskUbuntuCorpus', 'WebApplicationsCorpus']) {
    const e = corpora[name];
    if (!e) {
      process.stdout.write(`${name} SKIPPED: not found under ${path.join(DATA, 'braun2017')}\n`);
      continue;
    }
    braun[name] = round(e.accuracy, 3);
    correct += Math.round(e.accuracy * e.inScope);
    total += e.inScope;
  }
  if (total) {
    braun.overall = round(correct / total, 3);
    out.braun = braun;
    rows.push([
      'Braun F1 (micro) chatbot/askubuntu/webapps/overall',
      `${braun.ChatbotCorpus}/${braun.AskUbuntuCorpus}/${braun.WebApplicationsCorpus}/${braun.overall}`,
      'Watson .97/.92/.83/.92, LUIS .98/.90/.81/.91, nlp.js .99/.94/.80/.93',
    ]);
  }
  results.recognizer = out;
}

export async function sentiment({ rows, results }: BenchSink): Promise<void> {
  section('sentiment on a labelled set (our own short support sentences, written here)');
  const sign = (x: number) => (x > 0.05 ? 1 : x < -0.05 ? -1 : 0);
  const accuracy = async (labelled: Labelled[]) => {
    let before = 0;
    let after = 0;
    for (const [text, lang, gold] of labelled) {
      if (sign(await nodeNlpSentiment(text, lang)) === gold) before++;
      if (sign(lexiconSentiment(text, lang)) === gold) after++;
    }
    return { n: labelled.length, nodeNlp: round((before / labelled.length) * 100, 1), ours: round((after / labelled.length) * 100, 1) };
  };
  const r = await accuracy(SENTIMENT_SET);
  const g = await accuracy(SENTIMENT_GENDER_SET);
  const e = await accuracy(SENTIMENT_EVERYDAY_SET);
  rows.push(['sentiment accuracy (3 classes)', `ours ${r.ours} %`, `node-nlp ${r.nodeNlp} % on the same ${r.n}`]);
  rows.push(['sentiment accuracy, both genders and plurals', `ours ${g.ours} %`, `node-nlp ${g.nodeNlp} % on the same ${g.n}`]);
  rows.push(['sentiment accuracy, everyday complaints', `ours ${e.ours} %`, `node-nlp ${e.nodeNlp} % on the same ${e.n}`]);
  results.sentiment = { ...r, genders: g, everyday: e };
}
