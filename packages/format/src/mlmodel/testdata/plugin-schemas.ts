/**
 * Flavor sections as plugins register them through `configSchema`, for format's own tests of the
 * plugin-schema mechanism (the real ones live in flavor-onnx and flavor-tfjs, as a third party's would).
 */
import { z } from 'zod';

const executionMode = z.string().refine((v) => ['sequential', 'parallel'].includes(v.toLowerCase()), {
  message: "must be 'sequential' or 'parallel'",
});

export const pluginSchemas = {
  onnx: z.looseObject({
    onnx_version: z.string(), data: z.string(), providers: z.array(z.string()).optional(),
    onnx_session_options: z.looseObject({ execution_mode: executionMode.optional() }).nullable().optional(),
  }),
  tfjs: z.looseObject({ tfjs_version: z.string(), model_type: z.enum(['layers-model', 'graph-model']), data: z.string() }),
};
