/**
 * What several layers share: positional-or-options constructors, the single input shape, and
 * the kernel/bias arguments of Dense and the convolutions (resolved at construction, so a bad
 * name fails where the layer is made, and written back to model files).
 */
import type { Initializer } from '../../graph/initializers.js';
import type { Regularizer } from '../../layers/base.js';
import type { AddWeightOptions, SymbolicShape } from '../engine/layer.js';
import type { Variable } from '../../graph/variables.js';
import type { InitializerIdentifier } from '../initializers.js';
import { getInitializer, serializeInitializer } from '../initializers.js';
import type { RegularizerIdentifier } from '../regularizers.js';
import { getRegularizer, serializeRegularizer } from '../regularizers.js';

/** The shape of a single-input layer's input (build gets one shape per input). */
export function oneShape(s: SymbolicShape | SymbolicShape[]): SymbolicShape {
  return (Array.isArray(s[0]) ? s[0] : s) as SymbolicShape;
}

/**
 * A constructor's leading positional argument with the other options, or the whole options
 * object (as model files pass it): `new Dense(10, { … })` or `new Dense({ units: 10, … })`.
 */
export function positional<A extends object, K extends keyof A>(
  first: A[K] | A,
  rest: Omit<A, K>,
  key: K,
): A {
  const isOptions = typeof first === 'object' && first !== null && !Array.isArray(first);
  return (isOptions ? first : { ...rest, [key]: first }) as A;
}

/** Kernel and bias options of Dense, Conv2D and Conv2DTranspose. */
export interface KernelBiasArgs {
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
}

/** The resolved kernel/bias options. */
export class KernelBias {
  readonly useBias: boolean;
  readonly kernelInit: Initializer;
  readonly biasInit: Initializer;
  readonly kernelReg: Regularizer | null;
  readonly biasReg: Regularizer | null;

  constructor(private readonly a: KernelBiasArgs, layer: string) {
    this.useBias = a.useBias ?? true;
    this.kernelInit = getInitializer(a.kernelInitializer, 'glorotUniform', layer);
    this.biasInit = getInitializer(a.biasInitializer, 'zeros', layer);
    this.kernelReg = getRegularizer(a.kernelRegularizer, layer);
    this.biasReg = getRegularizer(a.biasRegularizer, layer);
  }

  /**
   * Creates the layer's 'kernel' of `kernelShape` and, with useBias, its 'bias' [units], through
   * the layer's addWeight (passed in: it is protected); returns [kernel, bias or null].
   */
  addWeights(add: (name: string, shape: number[], opts: AddWeightOptions) => Variable, kernelShape: number[], units: number): [Variable, Variable | null] {
    const kernel = add('kernel', kernelShape, { initializer: this.kernelInit, regularizer: this.kernelReg });
    const bias = this.useBias ? add('bias', [units], { initializer: this.biasInit, regularizer: this.biasReg }) : null;
    return [kernel, bias];
  }

  /** The options as written to model files. */
  config(layer: string): Record<string, unknown> {
    const a = this.a;
    return {
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(a.kernelInitializer, 'glorotUniform'),
      biasInitializer: serializeInitializer(a.biasInitializer, 'zeros'),
      kernelRegularizer: serializeRegularizer(a.kernelRegularizer, layer),
      biasRegularizer: serializeRegularizer(a.biasRegularizer, layer),
    };
  }
}
