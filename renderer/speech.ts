/** Spoken guidance through the browser's speech synthesis; silent where there is none. */
export function speak(text: string, lang: string): void {
  const synth = typeof window !== 'undefined' ? window.speechSynthesis : undefined;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return;
  synth.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = lang;
  utterance.rate = 0.85; // slower than default: many of our patients are elderly
  synth.speak(utterance);
}

export function stopSpeaking(): void {
  window.speechSynthesis?.cancel();
}
