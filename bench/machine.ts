// What the figures were measured on: CPU, cores, memory, OS, Node, and the load when the run began.
import { readFileSync } from 'node:fs';
import { arch, cpus, freemem, loadavg, release, totalmem, type } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  os: string;
  kernel: string;
  arch: string;
  node: string;
  /** 1-, 5- and 15-minute load averages when the run started: other work on the machine skews figures. */
  loadAverage: number[];
}

function osName(): string {
  try {
    const match = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (match?.[1]) return match[1];
  } catch {
    // not Linux, or no os-release
  }
  return type();
}

const GIB = 1024 ** 3;

export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / GIB) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / GIB) * 10) / 10,
    os: osName(),
    kernel: `${type()} ${release()}`,
    arch: arch(),
    node: process.version,
    loadAverage: loadAverageNow(),
  };
}

/** 1-, 5- and 15-minute load averages, to two decimals. */
function loadAverageNow(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

/** What every benchmark report starts with: when, how long, on what machine, with which settings and method. */
export interface RunHeader<Config> {
  generatedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  config: Config;
  method: string[];
}

/** The header of a run that began at `startedMs` (epoch ms) and ends now. */
export function runHeader<Config>(startedMs: number, machine: MachineInfo, config: Config, method: string[]): RunHeader<Config> {
  return {
    generatedAt: new Date(startedMs).toISOString(),
    durationSeconds: (Date.now() - startedMs) / 1000,
    machine,
    loadAverageAtEnd: loadAverageNow(),
    config,
    method,
  };
}

export function machineLines(machine: MachineInfo): string[] {
  return [
    `CPU:    ${machine.cpuModel} (${machine.cores} cores, ${machine.arch})`,
    `Memory: ${machine.memoryGiB} GiB (${machine.freeMemoryGiB} GiB free at start)`,
    `OS:     ${machine.os} (${machine.kernel})`,
    `Node:   ${machine.node}`,
    `Load:   ${machine.loadAverage.join(' / ')} (1/5/15 min, at start)`,
  ];
}

/** What a run prints before its figures: its title, its method and the machine it ran on. */
export function preambleLines(title: string, method: readonly string[], machine: MachineInfo): string[] {
  return [title, '', 'Method:', ...method.map((line) => `  - ${line}`), '', 'Machine:', ...machineLines(machine).map((line) => `  ${line}`), ''];
}
