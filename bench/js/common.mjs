// What the JavaScript benchmarks share: Google Benchmark's command-line flags
// and its JSON layout, so bench/report.mjs reads them like the C++ results.
import { writeFileSync } from 'node:fs';
import os from 'node:os';

// --benchmark_min_time=SECONDS --benchmark_filter=REGEX --benchmark_format=console|json --benchmark_out=FILE
export function parseOptions(program, argv = process.argv.slice(2)) {
  const options = { minTime: 0.5, filter: /./, format: 'console', out: '' };
  for (const arg of argv) {
    const [flag, value = ''] = arg.split(/=(.*)/s);
    if (flag === '--benchmark_min_time') options.minTime = parseFloat(value.replace(/s$/, ''));
    else if (flag === '--benchmark_filter') options.filter = new RegExp(value);
    else if (flag === '--benchmark_format') options.format = value;
    else if (flag === '--benchmark_out') options.out = value;
    else {
      console.error(`${program}: unrecognized flag ${arg}`);
      process.exit(1);
    }
  }
  return options;
}

// One result row; times in ns per iteration.
export function resultRow(name, family, iterations, realNs, cpuNs, label = undefined) {
  const row = {
    name, family_index: family, per_family_instance_index: 0, run_name: name, run_type: 'iteration',
    repetitions: 1, repetition_index: 0, threads: 1, iterations, real_time: realNs, cpu_time: cpuNs, time_unit: 'ns',
  };
  if (label !== undefined) row.label = label;
  return row;
}

// Writes the JSON report (to stdout in json format, and to --benchmark_out).
export function writeReport(options, results, sink) {
  const report = {
    context: {
      date: new Date().toISOString(), host_name: os.hostname(), executable: `node ${process.version} ${process.argv[1]}`,
      num_cpus: os.cpus().length, mhz_per_cpu: os.cpus()[0]?.speed ?? 0, cpu_scaling_enabled: false,
      caches: [], load_avg: os.loadavg(), library_build_type: 'release', sink,
    },
    benchmarks: results,
  };
  const json = JSON.stringify(report, null, 2) + '\n';
  if (options.format === 'json') process.stdout.write(json);
  if (options.out) writeFileSync(options.out, json);
}
