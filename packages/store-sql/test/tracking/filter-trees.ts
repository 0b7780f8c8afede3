/** fast-check filter trees for the search properties: comparisons combined by and / or / not. */
import fc from 'fast-check';
import type { FilterNode } from '@mlflow-ts/format';

/** Random filters over `comparison` leaves (weighted `leafWeight` against each combinator's 1). */
export function filterTrees(comparison: fc.Arbitrary<FilterNode>, leafWeight: number): fc.Arbitrary<FilterNode> {
  return fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: leafWeight, arbitrary: comparison },
      {
        weight: 1,
        arbitrary: fc
          .array(tie('node'), { minLength: 2, maxLength: 3 })
          .map((children): FilterNode => ({ kind: 'and', children })),
      },
      {
        weight: 1,
        arbitrary: fc
          .array(tie('node'), { minLength: 2, maxLength: 3 })
          .map((children): FilterNode => ({ kind: 'or', children })),
      },
      { weight: 1, arbitrary: tie('node').map((child): FilterNode => ({ kind: 'not', child })) },
    ),
  })).node;
}
