import { AttributeType, DataType, type AttributeMessage, type DataTypeId, type NodeMessage, type TensorMessage } from './onnx-proto.js';

export const ML_DOMAIN = 'ai.onnx.ml';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Little-endian bytes, as TensorProto.raw_data requires on any host. */
function rawDoubles(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return out;
}

function rawInt64s(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]!), true);
  return out;
}

export function doubleTensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorMessage {
  return { name, dims, data_type: DataType.DOUBLE, raw_data: rawDoubles(values) };
}

export const attr = {
  int: (name: string, i: number): AttributeMessage => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): AttributeMessage => ({ name, type: AttributeType.FLOAT, f }),
  string: (name: string, s: string): AttributeMessage => ({ name, type: AttributeType.STRING, s: utf8(s) }),
  ints: (name: string, ints: readonly number[]): AttributeMessage => ({ name, type: AttributeType.INTS, ints }),
  floats: (name: string, floats: readonly number[]): AttributeMessage => ({ name, type: AttributeType.FLOATS, floats }),
  strings: (name: string, strings: readonly string[]): AttributeMessage => ({ name, type: AttributeType.STRINGS, strings: strings.map(utf8) }),
  doubles: (name: string, values: readonly number[]): AttributeMessage => ({ name, type: AttributeType.TENSOR, t: doubleTensor('', [values.length], values) }),
};

/** Collects nodes and constants; every node has one output, named after its op and a counter. */
export class GraphBuilder {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  private counter = 0;

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  doubles(dims: readonly number[], values: ArrayLike<number>, prefix = 'const'): string {
    const name = this.fresh(prefix);
    this.initializers.push(doubleTensor(name, dims, values));
    return name;
  }

  scalar(value: number): string {
    return this.doubles([1], [value], 'scalar');
  }

  int64s(dims: readonly number[], values: ArrayLike<number>, prefix = 'const'): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dims, data_type: DataType.INT64, raw_data: rawInt64s(values) });
    return name;
  }

  node(op: string, inputs: readonly string[], attributes: readonly AttributeMessage[] = [], domain = '', output?: string): string {
    const out = output ?? this.fresh(op.toLowerCase());
    this.nodes.push({ input: inputs, output: [out], name: this.fresh(`n_${op}`), op_type: op, domain, attribute: attributes });
    return out;
  }

  cast(input: string, to: DataTypeId, output?: string): string {
    return this.node('Cast', [input], [attr.int('to', to)], '', output);
  }
}
