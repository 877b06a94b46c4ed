/** Spoken guidance through the browser's speech synthesis; silent where there is none. */
export interface SpeechSettings {
  rate: number;
  voice?: string;
}

export function speak(text: string, lang: string, settings: SpeechSettings = { rate: 0.85 }): void {
  const synth = typeof window !== 'undefined' ? window.speechSynthesis : undefined;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return;
  synth.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = lang;
  // Slower than the default by configuration: many of our patients are elderly.
  utterance.rate = settings.rate;
  const voice = settings.voice
    ? synth
        .getVoices()
        .find((v) => v.name.includes(settings.voice!) && v.lang.startsWith(lang.slice(0, 2)))
    : undefined;
  if (voice) utterance.voice = voice;
  synth.speak(utterance);
}

export function stopSpeaking(): void {
  window.speechSynthesis?.cancel();
}
