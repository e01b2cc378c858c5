#!/usr/bin/env node
// The nodeflow command line. `npx nodeflow doctor`: the build's BLAS, CUDA, cuBLAS and cuDNN
// versions, the GPUs seen and their memory (see lib/doctor.ts).
const [cmd] = process.argv.slice(2);
if (cmd !== 'doctor') {
  console.error('usage: nodeflow doctor');
  process.exit(cmd === undefined || cmd === '--help' || cmd === '-h' ? 0 : 2);
}
try {
  const { doctorReport } = await import('../dist/lib/doctor.js');
  for (const line of doctorReport()) console.log(line);
} catch (e) {
  console.error(`nodeflow doctor: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
