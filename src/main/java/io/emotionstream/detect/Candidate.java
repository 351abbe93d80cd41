package io.emotionstream.detect;

/** A box on its way through the MTCNN stages (mutable, internal). */
final class Candidate {
  float x1;
  float y1;
  float x2;
  float y2;
  float score;
  /** Box regression offsets dx1, dy1, dx2, dy2 (fractions of the box size). */
  final float[] reg = new float[4];
  /** Landmarks x,y pairs once O-Net has run. */
  float[] landmarks;

  Candidate(float x1, float y1, float x2, float y2, float score) {
    this.x1 = x1;
    this.y1 = y1;
    this.x2 = x2;
    this.y2 = y2;
    this.score = score;
  }
}
