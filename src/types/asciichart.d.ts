declare module 'asciichart' {
  export function plot(series: number[] | number[][], config?: { height?: number; offset?: number; padding?: string; format?: (x: number) => string; min?: number; max?: number }): string;
  const asciichart: { plot: typeof plot };
  export default asciichart;
}
