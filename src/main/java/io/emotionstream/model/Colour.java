package io.emotionstream.model;

/** Colour of a network's input: grey (one luminance channel, possibly replicated) or RGB. */
public enum Colour { GREY, RGB }
