import { describe, expect, it } from 'vitest';
import { isBlockedInput, type KeyInput } from './blocked-input.ts';

const none = { control: false, meta: false, alt: false, shift: false };
const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ ...none, key: k, ...mods });
const ctrl = (k: string, mods: Partial<KeyInput> = {}) => key(k, { control: true, ...mods });
const cmd = (k: string, mods: Partial<KeyInput> = {}) => key(k, { meta: true, ...mods });

describe('keyboard input the kiosk refuses', () => {
  it.each([
    ['Ctrl+Shift+I (DevTools)', ctrl('I', { shift: true })],
    ['Cmd+Alt+I (DevTools, macOS)', cmd('i', { alt: true })],
    ['Ctrl+Shift+J (console)', ctrl('J', { shift: true })],
    ['F12 (DevTools)', key('F12')],
    ['Ctrl+R (reload)', ctrl('r')],
    ['Cmd+R (reload, macOS)', cmd('r')],
    ['Ctrl+Shift+R (hard reload)', ctrl('R', { shift: true })],
    ['F5 (reload)', key('F5')],
    ['Ctrl+F5 (hard reload)', ctrl('F5')],
    ['Ctrl+W (close window)', ctrl('w')],
    ['Cmd+W (close window, macOS)', cmd('w')],
    ['Ctrl+Q (quit)', ctrl('q')],
    ['Cmd+Q (quit, macOS)', cmd('q')],
    ['Alt+F4 (close window, Windows)', key('F4', { alt: true })],
    ['F11 (fullscreen)', key('F11')],
    ['Ctrl+P (print)', ctrl('p')],
    ['Ctrl+= (zoom in)', ctrl('=')],
    ['Ctrl++ (zoom in)', ctrl('+', { shift: true })],
    ['Ctrl+- (zoom out)', ctrl('-')],
    ['Ctrl+0 (reset zoom)', ctrl('0')],
    ['Cmd+= (zoom in, macOS)', cmd('=')],
    ['Ctrl+F (find)', ctrl('f')],
    ['Ctrl+U (view source)', ctrl('u')],
    ['Ctrl+S (save page)', ctrl('s')],
    ['Ctrl+O (open file)', ctrl('o')],
    ['Ctrl+N (new window)', ctrl('n')],
    ['Ctrl+T (new tab)', ctrl('t')],
    ['Ctrl+Tab', ctrl('Tab')],
    ['Ctrl+V (paste)', ctrl('v')],
    ['Cmd+H (hide, macOS)', cmd('h')],
    ['Alt+ArrowLeft (history back)', key('ArrowLeft', { alt: true })],
    ['Alt alone (menu bar)', key('Alt', { alt: true })],
    ['AltGr (Ctrl+Alt on Windows)', key('@', { control: true, alt: true })],
    ['Shift+F10 (context menu)', key('F10', { shift: true })],
    ['F7 (caret browsing)', key('F7')],
    ['F1', key('F1')],
    ['F24', key('F24')],
    ['BrowserBack key', key('BrowserBack')],
    ['BrowserRefresh key', key('BrowserRefresh')],
    ['BrowserHome key', key('BrowserHome')],
    ['ZoomIn key', key('ZoomIn')],
    ['ContextMenu key', key('ContextMenu')],
    ['Print key', key('Print')],
    ['LaunchApplication1 key', key('LaunchApplication1')],
  ])('refuses %s', (_name, input) => {
    expect(isBlockedInput(input)).toBe(true);
  });

  it.each([
    ['a letter', key('a')],
    ['a capital letter', key('A', { shift: true })],
    ['a digit', key('7')],
    ['a symbol typed with Shift', key('@', { shift: true })],
    ['a space', key(' ')],
    ['Enter', key('Enter')],
    ['Backspace', key('Backspace')],
    ['Delete', key('Delete')],
    ['Tab (keyboard focus)', key('Tab')],
    ['Shift+Tab', key('Tab', { shift: true })],
    ['an arrow', key('ArrowDown')],
    ['Escape', key('Escape')],
    ['Shift alone', key('Shift', { shift: true })],
  ])('lets %s through', (_name, input) => {
    expect(isBlockedInput(input)).toBe(false);
  });
});
