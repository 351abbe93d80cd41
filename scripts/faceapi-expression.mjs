// Classifies 112x112 face crops with @vladmandic/face-api's own expression network under Node,
// on tfjs' pure-JavaScript CPU backend, and prints JSON. Used to check that our DJL port of the
// network gives the same probabilities.
//
//   node scripts/faceapi-expression.mjs NODE_DIR MODEL_DIR CROP.rgb...
//
// NODE_DIR: a directory whose node_modules holds @tensorflow/tfjs, @tensorflow/tfjs-backend-wasm and
//           @vladmandic/face-api (scripts/faceapi-expression.sh installs them)
// MODEL_DIR: face-api's model/ directory (face_expression_model-weights_manifest.json + .bin)
// CROP.rgb: raw 8-bit RGB pixels, 112 x 112 x 3, row-major
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [nodeDir, modelDir, ...crops] = process.argv.slice(2);
if (!nodeDir || !modelDir || crops.length === 0) {
  console.error('usage: node faceapi-expression.mjs NODE_DIR MODEL_DIR CROP.rgb...');
  process.exit(2);
}
// tfjs' ESM build uses extensionless imports that Node's ESM loader rejects: load the CommonJS
// builds (face-api's node-wasm build uses the pure-JS @tensorflow/tfjs, no native addon)
const require = createRequire(join(nodeDir, 'package.json'));
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
await tf.setBackend('cpu');
await tf.ready();

const manifest = JSON.parse(readFileSync(join(modelDir, 'face_expression_model-weights_manifest.json'), 'utf8'));
const buffers = manifest[0].paths.map((p) => readFileSync(join(modelDir, p)));
const all = Buffer.concat(buffers);
const weightMap = tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), manifest[0].weights);
const net = new faceapi.FaceExpressionNet();
net.loadFromWeightMap(weightMap);

const results = [];
for (const file of crops) {
  const pixels = readFileSync(file);
  if (pixels.length !== 112 * 112 * 3) {
    throw new Error(`${file}: expected ${112 * 112 * 3} bytes of RGB, got ${pixels.length}`);
  }
  const input = tf.tensor3d(new Int32Array(pixels), [112, 112, 3], 'int32');
  const expressions = await net.predictExpressions(input);
  input.dispose();
  const labels = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];
  results.push({ file, labels, probabilities: labels.map((l) => expressions[l]) });
}
console.log(JSON.stringify({ backend: tf.getBackend(), tfjs: tf.version_core, results }));
