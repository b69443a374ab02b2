import { Featurizer, DEFAULT_LINEAR, tokenize } from '../../nlu/linearClassifier';
import { DEFAULT_MLP, MlpClassifier, type MlpModelJson } from '../../nlu/mlpClassifier';
import { DEFAULT_PIPELINE, IntentPipeline, OOS_LABEL, type LabeledText } from '../../nlu/intentPipeline';

const TRAIN: { text: string; label: string }[] = [
  ...['where is my parcel', 'track my order', 'has my package shipped', 'when will my order arrive', 'where is the delivery'].map((text) => ({
    text,
    label: 'track',
  })),
  ...['i forgot my password', 'reset my password', 'cannot log in to my account', 'locked out of my account', 'change my login password'].map((text) => ({
    text,
    label: 'password',
  })),
  ...['i want my money back', 'refund my purchase', 'give me a refund please', 'return the money for this order', 'how do i get reimbursed'].map((text) => ({
    text,
    label: 'refund',
  })),
];

const argmax = (p: Float64Array) => p.indexOf(Math.max(...p));

describe('Featurizer', () => {
  it('gives L2-normalized vectors and ignores features it never saw', () => {
    const f = new Featurizer({ ...DEFAULT_LINEAR });
    f.fit(TRAIN.map((e) => e.text));
    const v = f.vectorize('track my parcel');
    expect(v.idx.length).toBeGreaterThan(0);
    expect(Math.hypot(...v.val)).toBeCloseTo(1, 5);
    expect(f.vectorize('zzz qqq').idx.length).toBe(0);
  });

  it('gives the same vector for a text seen before (its words kept) as a fresh featurizer does', () => {
    const texts = TRAIN.map((e) => e.text);
    const warm = new Featurizer({ ...DEFAULT_LINEAR, charMin: 2, charMax: 5 });
    warm.fit(texts);
    warm.vectorize('where is my refund, my password');
    const fresh = new Featurizer({ ...DEFAULT_LINEAR, charMin: 2, charMax: 5 }).load(warm.toJSON());
    for (const t of ['where is my refund, my password', 'Where is MY parcel?', 'reset reset my password']) {
      expect(warm.vectorize(t)).toEqual(fresh.vectorize(t));
      expect(warm.vectorizeWords(tokenize(t))).toEqual(fresh.vectorize(t));
    }
  });

  it('forgets what it kept of words when fitted again (the vocabulary changed)', () => {
    const f = new Featurizer({ ...DEFAULT_LINEAR });
    f.fit(TRAIN.slice(0, 5).map((e) => e.text));
    const before = f.vectorize('refund my parcel');
    f.fit(TRAIN.map((e) => e.text));
    const refitted = new Featurizer({ ...DEFAULT_LINEAR });
    refitted.fit(TRAIN.map((e) => e.text));
    expect(f.vectorize('refund my parcel')).toEqual(refitted.vectorize('refund my parcel'));
    expect(f.vectorize('refund my parcel')).not.toEqual(before);
  });
});

describe('MlpClassifier', () => {
  const small = { ...DEFAULT_MLP, hidden: 16, epochs: 40 };

  it('learns the training intents and generalizes to a paraphrase', () => {
    const m = new MlpClassifier(small);
    m.train(TRAIN);
    for (const e of TRAIN) expect(m.labels[argmax(m.predict(e.text))]).toBe(e.label);
    expect(m.labels[argmax(m.predict('my password does not work, please reset it'))]).toBe('password');
    const p = m.predict('anything at all');
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('is deterministic for a seed and survives a JSON round trip', () => {
    const a = new MlpClassifier(small);
    const b = new MlpClassifier(small);
    a.train(TRAIN);
    b.train(TRAIN);
    expect(Array.from(a.predict('refund my order'))).toEqual(Array.from(b.predict('refund my order')));
    const c = MlpClassifier.fromJSON(JSON.parse(JSON.stringify(a.toJSON())) as MlpModelJson, small);
    const pa = a.predict('where is my order');
    const pc = c.predict('where is my order');
    pa.forEach((x, i) => expect(pc[i]).toBeCloseTo(x, 3));
  });
});

describe('IntentPipeline.calibrate', () => {
  const options = { ...DEFAULT_PIPELINE, useNodeNlp: false, wordView: { ...DEFAULT_MLP, hidden: 16, epochs: 40 } };
  const withLang = (xs: { text: string; label: string }[]): LabeledText[] => xs.map((x) => ({ ...x, language: 'en' }));

  it('keeps no threshold when validation has no out-of-scope examples', async () => {
    const p = new IntentPipeline(options);
    await p.train(withLang(TRAIN));
    const r = await p.calibrate(
      withLang([
        { text: 'where is my package', label: 'track' },
        { text: 'reset the password', label: 'password' },
      ]),
    );
    expect(r.threshold).toBe(0);
  });

  it('chooses a threshold that refuses out-of-scope validation examples the models are unsure of', async () => {
    const p = new IntentPipeline(options);
    await p.train(withLang(TRAIN));
    const validation = withLang([
      { text: 'where is my package', label: 'track' },
      { text: 'track the order please', label: 'track' },
      { text: 'reset the password', label: 'password' },
      { text: 'i want a refund', label: 'refund' },
      { text: 'what is the capital of peru', label: OOS_LABEL },
      { text: 'sing me a song about whales', label: OOS_LABEL },
    ]);
    const r = await p.calibrate(validation);
    const right = async () => {
      let n = 0;
      for (const v of validation) if ((await p.predict(v.text, 'en')).label === v.label) n++;
      return n;
    };
    const calibrated = await right();
    expect(r.threshold).toBeGreaterThan(0);
    p.threshold = 0;
    // The toy training data has no out-of-scope class, so without a threshold nothing is ever refused.
    expect(await right()).toBe(4);
    expect(calibrated).toBeGreaterThan(4);
  });
});

describe('IntentPipeline.calibrate ties', () => {
  const base = { ...DEFAULT_PIPELINE, useNodeNlp: false, wordView: { ...DEFAULT_MLP, hidden: 16, epochs: 40 } };
  const withLang = (xs: { text: string; label: string }[]): LabeledText[] => xs.map((x) => ({ ...x, language: 'en' }));
  const validation = withLang([
    { text: 'where is my package', label: 'track' },
    { text: 'reset the password', label: 'password' },
    { text: 'i want a refund', label: 'refund' },
    { text: 'what is the capital of peru', label: OOS_LABEL },
  ]);

  it('among thresholds validation cannot tell apart, "refuse" takes the highest and "first" the lowest', async () => {
    const p = new IntentPipeline({ ...base, ties: 'first' });
    await p.train(withLang(TRAIN));
    const first = await p.calibrate(validation);
    const firstRight = await rightCount(p, validation);
    const q = new IntentPipeline({ ...base, ties: 'refuse' });
    await q.train(withLang(TRAIN));
    const refused = await q.calibrate(validation);
    // The same (deterministic) models, the same best accuracy, a higher threshold.
    expect(await rightCount(q, validation)).toBe(firstRight);
    expect(refused.threshold).toBeGreaterThan(first.threshold);
  });
});

async function rightCount(p: IntentPipeline, xs: LabeledText[]): Promise<number> {
  let n = 0;
  for (const v of xs) if ((await p.predict(v.text, 'en')).label === v.label) n++;
  return n;
}

describe('IntentPipeline with node-nlp', () => {
  it("scores each text with exactly the classifications of node-nlp's own NlpManager.process", async () => {
    const p = new IntentPipeline({ ...DEFAULT_PIPELINE, wordView: { ...DEFAULT_MLP, hidden: 16, epochs: 10 } });
    await p.train(TRAIN.map((x) => ({ ...x, language: 'en' })));
    const manager = (
      p as unknown as { managers: Map<string, { process(l: string, t: string): Promise<{ classifications: { intent: string; score: number }[] }> }> }
    ).managers.get('en')!;
    for (const text of ['where is my parcel now', 'reset password', 'money back please', 'completely unrelated words']) {
      const own = (await manager.process('en', text)).classifications.filter((c) => c.score > 0);
      const sum = own.reduce((s, c) => s + c.score, 0);
      const { nlp } = await p.scores(text, 'en');
      const labels = ['password', 'refund', 'track']; // the pipeline's (sorted) label order
      expect(labels.map((l) => nlp![labels.indexOf(l)])).toEqual(
        labels.map((l) => expect.closeTo(sum > 0 ? (own.find((c) => c.intent === l)?.score ?? 0) / sum : 0, 12) as unknown),
      );
    }
  });
});
