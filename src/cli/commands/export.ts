import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import type { ExportFormat } from '../../engine/export.js';
import { out, withContext } from '../context.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a registered model as one ONNX graph (preprocessing + estimator + threshold) or as its JSON bundle')
    .argument('[version]', 'model version or alias', 'champion')
    .option('--format <format>', 'onnx or json', 'onnx')
    .requiredOption('-o, --output <file>', 'file to write (.onnx or .json)')
    .addHelpText('after', '\nExamples:\n  credit-tui export --format onnx -o champion.onnx\n  credit-tui export 3 --format json -o v3.json')
    .action(async (version: string, opts: { format: string; output: string }, cmd: Command) => {
      const { exportModel } = await import('../../engine/export.js');
      if (opts.format !== 'onnx' && opts.format !== 'json') throw new UserError(`invalid --format ${JSON.stringify(opts.format)}`, {}, 'onnx or json');
      await withContext(cmd, ({ project, store, params }) => {
        const r = exportModel(project, store, { model: version, format: opts.format as ExportFormat, output: opts.output, scale: params.scoring });
        out(`wrote model v${r.version} (${r.family}) as ${r.format} to ${r.path} (${r.bytes.toLocaleString('en-US')} bytes)`);
      });
    });
}
