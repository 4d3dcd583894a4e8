/**
 * The template's fixed phrases per language and tone. {product}, {audience} and {brand} are
 * replaced; nothing else is interpreted. Phrasing avoids grammatical gender and case where the
 * product name is inserted (it may be any noun), so the sentences stay correct for any name.
 *
 * A language without a bank here gets no fixed phrases at all: the script is made of the
 * marketer's own sentences (see template.ts), never of English ones read by a foreign voice.
 */
import { type TONES } from "../spec";

export type Tone = (typeof TONES)[number];

export interface ToneBank {
  hooks: readonly string[];
  ctas: readonly string[];
  elaborations: readonly string[];
}

export interface PhraseBank {
  tones: { [T in Tone]: ToneBank };
  /** The hook and the call to action when time is short. */
  shortHook: string;
  shortCta: string;
}

const en: PhraseBank = {
  shortHook: "Meet {product}.",
  shortCta: "Try it today.",
  tones: {
    friendly: {
      hooks: ["Hey {audience}, meet {product}.", "Looking for something better, {audience}? Say hi to {product}."],
      ctas: ["Try {product} today.", "Give {product} a go today."],
      elaborations: ["Made with {audience} in mind.", "It just makes the day easier.", "You will wonder how you managed without it."],
    },
    bold: {
      hooks: ["Stop scrolling. {product} changes the game.", "{audience}, this is the one: {product}."],
      ctas: ["Get {product} now.", "Make the switch to {product} now."],
      elaborations: ["No compromises.", "Built to outperform.", "Nothing else comes close."],
    },
    professional: {
      hooks: ["{audience}: here is how {product} helps.", "Meet {product}, built for {audience}."],
      ctas: ["Learn more about {product} today.", "Book a demo of {product} today."],
      elaborations: ["Reliable from day one.", "Designed for teams that value their time.", "Measurable results, clearly reported."],
    },
    playful: {
      hooks: ["Okay {audience}, this one is fun: {product}!", "Guess what just got better? {product}!"],
      ctas: ["Go on, try {product}!", "Grab {product} and have fun with it!"],
      elaborations: ["Seriously, it is that easy.", "Your future self says thanks.", "Fun, fast and fuss-free."],
    },
    calm: {
      hooks: ["Take a breath. {product} makes it simple.", "A calmer way for {audience}: {product}."],
      ctas: ["Discover {product} today.", "Find your calm with {product}."],
      elaborations: ["Simple, quiet and dependable.", "Everything in its place.", "Less stress, more time for you."],
    },
    urgent: {
      hooks: ["Don't miss this, {audience}: {product}.", "Time is running out to try {product}."],
      ctas: ["Get {product} before it is gone.", "Act now: get {product} today."],
      elaborations: ["Offers like this do not last.", "Start today, not tomorrow.", "Join the people already ahead."],
    },
  },
};

const es: PhraseBank = {
  shortHook: "Te presentamos {product}.",
  shortCta: "Pruébalo hoy.",
  tones: {
    friendly: {
      hooks: ["Hola, {audience}: os presentamos {product}.", "¿Buscas algo mejor? Te presentamos {product}."],
      ctas: ["Prueba {product} hoy.", "Descubre {product} hoy mismo."],
      elaborations: ["Pensado para {audience}.", "Te hace el día más fácil.", "No sabrás cómo vivías sin ello."],
    },
    bold: {
      hooks: ["Deja de deslizar: {product} lo cambia todo.", "{audience}, esto es lo que buscabas: {product}."],
      ctas: ["Consigue {product} ahora.", "Pásate a {product} ahora."],
      elaborations: ["Sin concesiones.", "Hecho para rendir más.", "Nada se le acerca."],
    },
    professional: {
      hooks: ["{audience}: así es como ayuda {product}.", "Conozca {product}, creado para {audience}."],
      ctas: ["Más información sobre {product} hoy.", "Reserve una demostración de {product} hoy."],
      elaborations: ["Fiable desde el primer día.", "Diseñado para equipos que valoran su tiempo.", "Resultados medibles y claros."],
    },
    playful: {
      hooks: ["Atención, {audience}, esto es divertido: ¡{product}!", "¿Adivina qué acaba de mejorar? ¡{product}!"],
      ctas: ["¡Anímate y prueba {product}!", "¡Hazte con {product} y diviértete!"],
      elaborations: ["En serio, así de fácil.", "Tu yo del futuro te lo agradecerá.", "Divertido, rápido y sin complicaciones."],
    },
    calm: {
      hooks: ["Respira. Con {product} todo es más sencillo.", "Una forma más tranquila para {audience}: {product}."],
      ctas: ["Descubre {product} hoy.", "Encuentra la calma con {product}."],
      elaborations: ["Sencillo, silencioso y fiable.", "Todo en su sitio.", "Menos estrés, más tiempo para ti."],
    },
    urgent: {
      hooks: ["No te lo pierdas, {audience}: {product}.", "Se acaba el tiempo para probar {product}."],
      ctas: ["Consigue {product} antes de que se agote.", "Actúa ya: consigue {product} hoy."],
      elaborations: ["Ofertas así no duran.", "Empieza hoy, no mañana.", "Únete a quienes ya van por delante."],
    },
  },
};

const pt: PhraseBank = {
  shortHook: "Conheça {product}.",
  shortCta: "Experimente hoje.",
  tones: {
    friendly: {
      hooks: ["Olá, {audience}: conheçam {product}.", "Procura algo melhor? Diga olá a {product}."],
      ctas: ["Experimente {product} hoje.", "Conheça {product} ainda hoje."],
      elaborations: ["Pensado para {audience}.", "Torna o dia mais fácil.", "Vai perguntar-se como vivia sem isto."],
    },
    bold: {
      hooks: ["Pare de rolar: {product} muda tudo.", "{audience}, é isto: {product}."],
      ctas: ["Garanta {product} agora.", "Mude para {product} agora."],
      elaborations: ["Sem concessões.", "Feito para render mais.", "Nada se compara."],
    },
    professional: {
      hooks: ["{audience}: veja como {product} ajuda.", "Conheça {product}, criado para {audience}."],
      ctas: ["Saiba mais sobre {product} hoje.", "Agende uma demonstração de {product} hoje."],
      elaborations: ["Fiável desde o primeiro dia.", "Pensado para equipas que valorizam o seu tempo.", "Resultados mensuráveis e claros."],
    },
    playful: {
      hooks: ["Atenção, {audience}, isto é divertido: {product}!", "Adivinhe o que ficou ainda melhor? {product}!"],
      ctas: ["Vá lá, experimente {product}!", "Leve {product} e divirta-se!"],
      elaborations: ["A sério, é mesmo fácil.", "O seu eu do futuro agradece.", "Divertido, rápido e sem complicações."],
    },
    calm: {
      hooks: ["Respire. Com {product} tudo fica simples.", "Uma forma mais tranquila para {audience}: {product}."],
      ctas: ["Descubra {product} hoje.", "Encontre a calma com {product}."],
      elaborations: ["Simples, silencioso e fiável.", "Tudo no seu lugar.", "Menos stress, mais tempo para si."],
    },
    urgent: {
      hooks: ["Não perca isto, {audience}: {product}.", "O tempo está a acabar para experimentar {product}."],
      ctas: ["Garanta {product} antes que esgote.", "Aja já: garanta {product} hoje."],
      elaborations: ["Ofertas assim não duram.", "Comece hoje, não amanhã.", "Junte-se a quem já está à frente."],
    },
  },
};

const fr: PhraseBank = {
  shortHook: "Découvrez {product}.",
  shortCta: "Essayez dès aujourd'hui.",
  tones: {
    friendly: {
      hooks: ["Bonjour {audience}, découvrez {product}.", "Envie de mieux ? Dites bonjour à {product}."],
      ctas: ["Essayez {product} dès aujourd'hui.", "Adoptez {product} dès aujourd'hui."],
      elaborations: ["Pensé pour {audience}.", "La journée devient plus simple.", "Vous vous demanderez comment vous faisiez avant."],
    },
    bold: {
      hooks: ["Arrêtez de scroller : {product} change la donne.", "{audience}, c'est le bon : {product}."],
      ctas: ["Procurez-vous {product} maintenant.", "Passez à {product} maintenant."],
      elaborations: ["Aucun compromis.", "Conçu pour aller plus loin.", "Rien ne lui arrive à la cheville."],
    },
    professional: {
      hooks: ["{audience} : voici comment {product} vous aide.", "Découvrez {product}, conçu pour {audience}."],
      ctas: ["Découvrez {product} dès aujourd'hui.", "Réservez une démonstration de {product}."],
      elaborations: ["Fiable dès le premier jour.", "Conçu pour les équipes qui comptent leur temps.", "Des résultats mesurables et clairs."],
    },
    playful: {
      hooks: ["Alors {audience}, place au fun : {product} !", "Devinez ce qui vient de s'améliorer ? {product} !"],
      ctas: ["Allez, essayez {product} !", "Craquez pour {product} et amusez-vous !"],
      elaborations: ["Sérieusement, c'est aussi simple.", "Votre futur vous dira merci.", "Ludique, rapide et sans prise de tête."],
    },
    calm: {
      hooks: ["Respirez. Avec {product}, tout devient simple.", "Une façon plus sereine pour {audience} : {product}."],
      ctas: ["Découvrez {product} dès aujourd'hui.", "Retrouvez le calme avec {product}."],
      elaborations: ["Simple, silencieux et fiable.", "Chaque chose à sa place.", "Moins de stress, plus de temps pour vous."],
    },
    urgent: {
      hooks: ["À ne pas manquer, {audience} : {product}.", "Plus que quelques jours pour essayer {product}."],
      ctas: ["Procurez-vous {product} avant qu'il ne soit trop tard.", "Agissez maintenant : {product}, dès aujourd'hui."],
      elaborations: ["Ces offres ne durent pas.", "Commencez aujourd'hui, pas demain.", "Rejoignez ceux qui ont déjà une longueur d'avance."],
    },
  },
};

const de: PhraseBank = {
  shortHook: "Das ist {product}.",
  shortCta: "Probier es heute.",
  tones: {
    friendly: {
      hooks: ["Hallo {audience}, das ist {product}.", "Auf der Suche nach etwas Besserem? Sag hallo zu {product}."],
      ctas: ["Probier {product} noch heute.", "Teste {product} noch heute."],
      elaborations: ["Gemacht für {audience}.", "Das macht den Tag einfach leichter.", "Du wirst dich fragen, wie es je ohne ging."],
    },
    bold: {
      hooks: ["Hör auf zu scrollen: {product} ändert alles.", "{audience}, das ist es: {product}."],
      ctas: ["Hol dir {product} jetzt.", "Steig jetzt um auf {product}."],
      elaborations: ["Keine Kompromisse.", "Gebaut, um mehr zu leisten.", "Nichts kommt da heran."],
    },
    professional: {
      hooks: ["{audience}: So hilft Ihnen {product}.", "Das ist {product}, entwickelt für {audience}."],
      ctas: ["Erfahren Sie heute mehr über {product}.", "Buchen Sie heute eine Demo von {product}."],
      elaborations: ["Zuverlässig vom ersten Tag an.", "Für Teams, die ihre Zeit schätzen.", "Messbare Ergebnisse, klar berichtet."],
    },
    playful: {
      hooks: ["Okay {audience}, jetzt wird es lustig: {product}!", "Rate mal, was gerade noch besser wurde? {product}!"],
      ctas: ["Los, probier {product}!", "Schnapp dir {product} und hab Spaß!"],
      elaborations: ["Im Ernst, so einfach ist das.", "Dein zukünftiges Ich sagt danke.", "Lustig, schnell und unkompliziert."],
    },
    calm: {
      hooks: ["Durchatmen. Mit {product} wird es einfach.", "Ein ruhigerer Weg für {audience}: {product}."],
      ctas: ["Entdecke {product} noch heute.", "Finde deine Ruhe mit {product}."],
      elaborations: ["Einfach, leise und verlässlich.", "Alles an seinem Platz.", "Weniger Stress, mehr Zeit für dich."],
    },
    urgent: {
      hooks: ["Nicht verpassen, {audience}: {product}.", "Die Zeit läuft ab: Teste jetzt {product}."],
      ctas: ["Hol dir {product}, solange es geht.", "Jetzt handeln: {product} noch heute."],
      elaborations: ["Solche Angebote bleiben nicht lange.", "Fang heute an, nicht morgen.", "Schließ dich denen an, die schon vorne sind."],
    },
  },
};

const it: PhraseBank = {
  shortHook: "Ecco {product}.",
  shortCta: "Provalo oggi.",
  tones: {
    friendly: {
      hooks: ["Ciao {audience}, ecco {product}.", "Cerchi qualcosa di meglio? Saluta {product}."],
      ctas: ["Prova {product} oggi.", "Scopri {product} oggi stesso."],
      elaborations: ["Pensato per {audience}.", "Rende la giornata più semplice.", "Ti chiederai come facevi senza."],
    },
    bold: {
      hooks: ["Smetti di scorrere: {product} cambia le regole.", "{audience}, è questo: {product}."],
      ctas: ["Prendi {product} adesso.", "Passa a {product} adesso."],
      elaborations: ["Nessun compromesso.", "Fatto per rendere di più.", "Niente gli si avvicina."],
    },
    professional: {
      hooks: ["{audience}: ecco come aiuta {product}.", "Ecco {product}, creato per {audience}."],
      ctas: ["Scopri di più su {product} oggi.", "Prenota una demo di {product} oggi."],
      elaborations: ["Affidabile dal primo giorno.", "Pensato per i team che danno valore al tempo.", "Risultati misurabili e chiari."],
    },
    playful: {
      hooks: ["Allora {audience}, qui ci si diverte: {product}!", "Indovina cosa è appena migliorato? {product}!"],
      ctas: ["Dai, prova {product}!", "Prendi {product} e divertiti!"],
      elaborations: ["Davvero, è così facile.", "Il tuo io del futuro ringrazia.", "Divertente, veloce e senza pensieri."],
    },
    calm: {
      hooks: ["Respira. Con {product} è tutto semplice.", "Un modo più sereno per {audience}: {product}."],
      ctas: ["Scopri {product} oggi.", "Ritrova la calma con {product}."],
      elaborations: ["Semplice, silenzioso e affidabile.", "Ogni cosa al suo posto.", "Meno stress, più tempo per te."],
    },
    urgent: {
      hooks: ["Da non perdere, {audience}: {product}.", "Il tempo stringe per provare {product}."],
      ctas: ["Prendi {product} prima che finisca.", "Agisci ora: {product}, oggi stesso."],
      elaborations: ["Offerte così non durano.", "Inizia oggi, non domani.", "Unisciti a chi è già avanti."],
    },
  },
};

/** Banks by primary language. */
export const PHRASE_BANKS: Readonly<Record<string, PhraseBank>> = { en, es, pt, fr, de, it };

/** Visual-prompt moods per tone (the prompt goes to image models, in English). */
export const TONE_MOODS: { [T in Tone]: string } = {
  friendly: "warm, bright, welcoming",
  bold: "high contrast, dynamic, energetic",
  professional: "clean, modern, trustworthy",
  playful: "colourful, playful, lively",
  calm: "soft light, serene, minimal",
  urgent: "fast paced, striking, high energy",
};
