/** ONNX models (own lazy chunk): the graph summary of {@link summarizeOnnx}, up to {@link ONNX_CAP}. */
import { KeyValueTable, Loading } from '../components/common.js';
import { formatBytes } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';
import { fetchArtifactBytes } from './artifact-bytes.js';
import { PreviewError } from './preview-error.js';
import { summarizeOnnx } from './onnx-model.js';

/** The largest model the preview downloads and decodes (the whole protobuf must be read). */
const ONNX_CAP = 64 << 20;

async function load(url: string) {
  return summarizeOnnx(new Uint8Array(await fetchArtifactBytes(url, ONNX_CAP, 'ONNX')));
}

export function OnnxPreview({ url }: { url: string }) {
  const summary = useAsync(() => load(url), [url]);
  if (summary.error) return <PreviewError error={summary.error} what="Not a readable ONNX model" />;
  const s = summary.data;
  if (!s) return <Loading />;
  const model: [string, string][] = [
    ['IR version', String(s.irVersion)],
    ['Producer', s.producer || '—'],
    ['Graph', s.graphName || '—'],
    ['Nodes', String(s.nodeCount)],
    ['Initializers', `${s.initializers.count} (${formatBytes(s.initializers.bytes)})`],
  ];
  if (s.domain) model.push(['Domain', s.domain]);
  if (s.modelVersion) model.push(['Model version', String(s.modelVersion)]);
  if (s.docString) model.push(['Description', s.docString]);
  return (
    <div class="onnx-preview">
      <KeyValueTable caption="ONNX model" rows={model} />
      <KeyValueTable caption="Inputs" rows={s.inputs.map((v) => [v.name, v.type])} />
      <KeyValueTable caption="Outputs" rows={s.outputs.map((v) => [v.name, v.type])} />
      <KeyValueTable caption="Opset imports" rows={s.opsets.map((o) => [o.domain, String(o.version)])} />
      <KeyValueTable caption="Operators" rows={s.ops.map((o) => [o.op, String(o.count)])} />
    </div>
  );
}
