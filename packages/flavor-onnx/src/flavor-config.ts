/**
 * The `onnx` section of MLmodel as `mlflow.onnx.save_model` writes it, registered with format's
 * plugin-schema mechanism (`configSchema`) like any third-party flavor's. Loose: keys a writer adds
 * that we do not know are kept, because a file read and written back must lose nothing.
 */
import { z } from 'zod';

export const ONNX_FLAVOR_NAME = 'onnx';

const threadCount = z.number().int().min(0);

/** The `SessionOptions` attributes MLflow checks when saving (mlflow/onnx/__init__.py). */
export const OnnxSessionOptionsSchema = z.looseObject({
  execution_mode: z
    .string()
    .refine((v) => ['sequential', 'parallel'].includes(v.toLowerCase()), {
      message: "must be 'sequential' or 'parallel'",
    })
    .optional(),
  graph_optimization_level: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(99)]).optional(),
  inter_op_num_threads: threadCount.optional(),
  intra_op_num_threads: threadCount.optional(),
  extra_session_config: z.record(z.string(), z.unknown()).optional(),
});

export const OnnxFlavorConfigSchema = z.looseObject({
  onnx_version: z.string(),
  /** Model-relative path of the `.onnx` file. */
  data: z.string(),
  /** Execution providers in preference order; MLflow's default is CUDA then CPU. */
  providers: z.array(z.string()).optional(),
  onnx_session_options: OnnxSessionOptionsSchema.nullable().optional(),
  code: z.string().nullable().optional(),
});
export type OnnxFlavorConfig = z.infer<typeof OnnxFlavorConfigSchema>;
