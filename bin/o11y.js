#!/usr/bin/env node
require('./register.js');
require('../src/cli').main(process.argv.slice(2));
