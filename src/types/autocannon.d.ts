/** The part of autocannon's API the serving benchmark uses (the package ships no types). */
declare module 'autocannon' {
  interface Histogram {
    readonly average: number;
    readonly p50: number;
    readonly p99: number;
    readonly total: number;
  }
  interface Result {
    readonly requests: Histogram;
    readonly latency: Histogram;
    readonly errors: number;
    readonly timeouts: number;
    readonly non2xx: number;
  }
  interface Options {
    readonly url: string;
    readonly method?: string;
    readonly connections?: number;
    readonly duration?: number;
    readonly headers?: Record<string, string>;
    readonly body?: string;
  }
  export default function autocannon(opts: Options): Promise<Result>;
}
