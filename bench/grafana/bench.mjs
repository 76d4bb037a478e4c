#!/usr/bin/env node
// Entry point of `node bench/run.mjs grafana`: the panel render benchmark (render.mjs).
import './render.mjs';
