/**
 * English building blocks for generated corpus messages: order talk (with hard negatives: order and tracking
 * numbers, prices, dates, SKUs, marketplace links) and violations phrased many ways. Each snippet is a
 * function of a random source so that fills (names, numbers, domains) vary.
 */
import type { Label } from './load-corpus.js';

export type Rng = () => number;
export interface Snippet {
  text: string;
  labels: Label[];
}
export type Make = (r: Rng) => Snippet;

export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export const digits = (r: Rng, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const clean = (text: string): Snippet => ({ text, labels: [] });
const v = (text: string, ...labels: Label[]): Snippet => ({ text, labels });

export const EN_NAMES = ['Daniel', 'Priya', 'Mark', 'Sarah', 'Ben', 'Grace', 'Olivia', 'Chris', 'Nina', 'Kevin', 'Rachel', 'Sam', 'Emma', 'Paul', 'Irene', 'Leah', 'Victor', 'Jenny', 'Marcus', 'Yuki', 'Olga', 'Ethan', 'Hyejin', 'Noah', 'Maya', 'Zoe', 'Ahmed', 'Isabel', 'Felix', 'Sophie', 'Lucas', 'Kate', 'Omar', 'Bella', 'Theo', 'Lily', 'Diego', 'Hana', 'Fatima', 'Tom'];
export const EN_SHOPS = ['Seoul Ceramics', 'Moon Tea', 'Linen Room', 'Busan Bakeware', 'Cedar Works', 'Glow Lab', 'Pebble Toys', 'Knit Studio', 'Paper & Co', 'SoundBox', 'Green Leaf Plants', 'Ledger Leather', 'Basic Wear', 'Wrap & Bow', 'Hanbit Trading'];
const LOCALS = ['minji.park88', 'kevin_lee', 'store.help', 'jay.kim2024', 'sales.team', 'hello', 'orders.kr', 'sunny.crafts', 'mike.sales', 'ara.work', 'daniel.h', 'thebestseller', 'kshop.cs', 'lee.jiwon', 'woodnote.studio'];
const PROVIDERS = ['gmail.com', 'naver.com', 'daum.net', 'hanmail.net', 'outlook.com', 'yahoo.com', 'hotmail.com', 'icloud.com', 'proton.me', 'kakao.com', 'nate.com'];
const OWN_DOMAINS = ['kimshop.co.kr', 'seoulceramics.com', 'linenroom.kr', 'cedarworks.store', 'glowlab.co', 'moontea.kr'];
const BRANDS: Record<string, string> = { 'gmail.com': 'gmail', 'naver.com': 'naver', 'daum.net': 'daum', 'outlook.com': 'outlook', 'yahoo.com': 'yahoo', 'hotmail.com': 'hotmail' };

const local = (r: Rng) => pick(r, LOCALS);
const provider = (r: Rng) => pick(r, PROVIDERS);
const sku = (r: Rng) => `${pick(r, ['JK', 'CT', 'SN', 'HB', 'LN', 'KS', 'MG'])}-${digits(r, 3)}-${pick(r, ['BLK', 'WHT', 'NVY', 'GRY', 'BEI'])}-${pick(r, ['S', 'M', 'L', 'XL'])}`;
const price = (r: Rng) => pick(r, [`$${Math.floor(r() * 200) + 5}.${pick(r, ['00', '50', '99', '90'])}`, `₩${(Math.floor(r() * 90) + 10) * 1000}`.replace(/(\d)(\d{3})$/, '$1,$2'), `KRW ${(Math.floor(r() * 900) + 100) * 100}`]);
const orderId = (r: Rng) => pick(r, [`#${digits(r, 5)}`, `${digits(r, 3)}-${digits(r, 7)}-${digits(r, 7)}`, `2024${digits(r, 4)}-${digits(r, 6)}`, `${digits(r, 13)}`, `ORD-${digits(r, 8)}`]);
const tracking = (r: Rng) => pick(r, [`1Z${digits(r, 3)}AA1${digits(r, 10)}`, `${digits(r, 4)} ${digits(r, 4)} ${digits(r, 4)}`, digits(r, 12), `${digits(r, 4)}-${digits(r, 4)}-${digits(r, 4)}`, `RR${digits(r, 9)}KR`, `94001${digits(r, 17)}`]);
const date = (r: Rng) => pick(r, [`2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 10)}`, `0${1 + Math.floor(r() * 9)}/1${Math.floor(r() * 10)}`, `March ${1 + Math.floor(r() * 28)}`, `${1 + Math.floor(r() * 28)} April`, `2024.05.0${1 + Math.floor(r() * 9)}`]);
const krMobile = (r: Rng) => pick(r, [`010-${digits(r, 4)}-${digits(r, 4)}`, `010 ${digits(r, 4)} ${digits(r, 4)}`, `010.${digits(r, 4)}.${digits(r, 4)}`, `010${digits(r, 8)}`, `+82 10 ${digits(r, 4)} ${digits(r, 4)}`, `+82-10-${digits(r, 4)}-${digits(r, 4)}`]);
const foreignPhone = (r: Rng) => pick(r, [`+1 415 555 ${digits(r, 4)}`, `+44 7700 900${digits(r, 3)}`, `+81 90 ${digits(r, 4)} ${digits(r, 4)}`, `+86 138 ${digits(r, 4)} ${digits(r, 4)}`, `+61 412 ${digits(r, 3)} ${digits(r, 3)}`, `02-${digits(r, 3)}-${digits(r, 4)}`, `031-${digits(r, 3)}-${digits(r, 4)}`]);

export const EN_GREETINGS = ['Hi {name},', 'Hello {name},', 'Dear {name},', 'Good morning {name},', 'Hey {name}!', 'Hi there,', 'Hello,', 'Dear customer,', '{name}, hi —', 'Good afternoon,'];
export const EN_SELLER_CLOSINGS = ['Best regards,\n{shop}', 'Thanks,\n{shop}', 'Kind regards,\nThe {shop} team', 'Cheers,\n{shop}', 'Warmly,\n{shop}', 'Have a great day!\n{shop}', 'Thank you for shopping with us.\n{shop}'];
export const EN_BUYER_CLOSINGS = ['Thanks,\n{name}', 'Regards, {name}', 'Thank you!', 'Best,\n{name}', 'Sent from my phone', 'Thanks in advance.', '{name}'];

export const EN_SELLER_CONTEXT: Make[] = [
  (r) => clean(`Your order ${orderId(r)} left our warehouse today and should arrive by ${date(r)}.`),
  (r) => clean(`The tracking number is ${tracking(r)}; it usually updates within 24 hours.`),
  (r) => clean(`We packed the item (SKU ${sku(r)}) with extra bubble wrap since it is fragile.`),
  (r) => clean(`Your refund of ${price(r)} was issued on ${date(r)} and should reach your card in 3-5 business days.`),
  (r) => clean(`The replacement ships on ${date(r)} at no extra cost.`),
  () => clean(`The item measures 32 x 24 x 11 cm and weighs about 1.2 kg.`),
  () => clean(`We are closed on weekends, so your message may take until Monday 10 am to be answered.`),
  (r) => clean(`You can follow the parcel at https://trace.cjlogistics.com/next/tracking.html?wblNo=${digits(r, 12)}.`),
  (r) => clean(`The listing is here if you want to double-check the size chart: https://www.coupang.com/vp/products/${digits(r, 8)}.`),
  (r) => clean(`Total charged: ${price(r)} including shipping; the invoice number is INV-${digits(r, 4)}-${digits(r, 5)}.`),
  (r) => clean(`Unfortunately the ${pick(r, ['navy', 'beige', 'grey', 'olive'])} colour is sold out until ${date(r)}.`),
  () => clean(`We checked with the courier and the parcel is at the local depot; delivery is expected between 2 pm and 6 pm.`),
  () => clean(`Please keep the original box in case you need to return it within 30 days.`),
  (r) => clean(`The warranty covers manufacturing defects for 12 months from ${date(r)}.`),
  (r) => clean(`We have cancelled order ${orderId(r)} as requested; you will not be charged.`),
  (r) => clean(`The model number is printed on the bottom: ${pick(r, ['AX', 'KB', 'TR'])}-${digits(r, 4)}-${digits(r, 2)}.`),
  (r) => clean(`Gift wrapping was added for ${price(r)}, and the card reads "Happy birthday!".`),
  (r) => clean(`If the parcel does not arrive by ${date(r)}, let us know here and we will open a claim with the carrier.`),
];

export const EN_BUYER_CONTEXT: Make[] = [
  (r) => clean(`I ordered on ${date(r)} (order ${orderId(r)}) and it still shows "preparing for shipment".`),
  (r) => clean(`The tracking number ${tracking(r)} doesn't show any movement since ${date(r)}.`),
  (r) => clean(`The item I received is SKU ${sku(r)} but I ordered a different size.`),
  (r) => clean(`I paid ${price(r)} but the receipt says ${price(r)}. Could you check?`),
  () => clean(`Is this compatible with 220 V? I'm in Busan.`),
  () => clean(`The box arrived crushed and one of the cups is chipped.`),
  (r) => clean(`Can I change the colour to ${pick(r, ['black', 'white', 'sand', 'green'])} before you ship?`),
  (r) => clean(`I will be away from ${date(r)} to ${date(r)}, so please hold the delivery if possible.`),
  () => clean(`Could you include a gift receipt without prices?`),
  () => clean(`The courier left a note at 4:35 pm but nobody rang the bell.`),
  () => clean(`My building code is 1203# in case the courier needs it.`),
  () => clean(`How long does the battery last on a full charge?`),
];

export const EN_SELLER_NEGATIVES: Make[] = [
  () => clean('We cannot share email addresses or phone numbers here; please keep replying in this conversation.'),
  () => clean('For your safety, please never send card numbers or passwords in messages.'),
  () => clean('If you have a moment, a review on the marketplace helps other shoppers. No pressure at all.'),
  () => clean('Thank you so much for the lovely five-star review you left last week!'),
  () => clean('The 10% discount from the marketplace promotion was applied to your order automatically.'),
  () => clean('Sale items can be exchanged for a different size but not refunded.'),
  () => clean('You can contact us any time through this message thread; we usually answer within a few hours.'),
  () => clean('Our business registration number is 220-81-62517, as shown on the invoice.'),
  () => clean('We will never ask you to change or remove a review.'),
  () => clean('Please leave the item unused with tags attached if you plan to return it.'),
  (r) => clean(`Order number: 0${digits(r, 9)} (please quote it if you call the marketplace help desk).`),
  () => clean('The courier may call you before delivery using the number on your order; we do not see it.'),
];

export const EN_BUYER_NEGATIVES: Make[] = [
  () => clean("I know we can't exchange contact details here, so I'll just keep writing in this thread."),
  () => clean('I already left a review — five stars, you were very helpful!'),
  (r) => clean(`Please refund to the original card; my bank reference is ${digits(r, 6)}.`),
  () => clean("Please don't call me, messages here are fine."),
  () => clean('The discount code from the marketplace was applied at checkout.'),
];

export const EN_FOREIGN: Make[] = [
  (r) => v(`You can email me at ${local(r)}@${provider(r)} if that's easier.`, 'foreign-address', 'contact-request'),
  (r) => v(`My email: ${local(r)}@${provider(r)}`, 'foreign-address'),
  (r) => v(`Please send the photos to ${local(r)}@${pick(r, OWN_DOMAINS)} so our team can review them.`, 'foreign-address'),
  (r) => v(`Reply to ${local(r)}@${provider(r)} with your order number.`, 'foreign-address'),
  (r) => v(`-- \n${pick(r, EN_SHOPS)} | ${local(r)}@${pick(r, OWN_DOMAINS)} | Seoul`, 'foreign-address'),
  (r) => v(`(backup address: ${local(r)}@${provider(r)})`, 'foreign-address'),
  (r) => v(`The invoice was sent from ${local(r)}@${pick(r, OWN_DOMAINS)}, please check your spam folder.`, 'foreign-address'),
];

export const EN_OBFUSCATED: Make[] = [
  (r) => v(`Write to me: ${local(r)} at ${BRANDS[pick(r, Object.keys(BRANDS))]} dot com`, 'foreign-address', 'obfuscated-address', 'contact-request'),
  (r) => v(`my address is ${local(r)} [at] ${pick(r, ['gmail', 'naver', 'yahoo'])} [dot] com`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`${local(r)}(at)${pick(r, ['gmail', 'outlook', 'hotmail'])}(dot)com — that's where I answer fastest.`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`send it to ${local(r).replace(/[._]/g, '').split('').join(' ')} @ g m a i l . c o m please`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`Mail: ${local(r)}＠${pick(r, ['gmail', 'naver', 'daum'])}．${pick(r, ['com', 'net'])}`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`${local(r)} AT ${pick(r, ['gmail', 'yahoo'])} DOT com`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`Contact: ${local(r)} @ ${provider(r).replace('.', ' . ')}`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`${local(r)} {at} ${pick(r, ['gmail', 'outlook'])} {dot} com`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`Email is ${local(r)}\u200b@\u200b${provider(r)}`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`reach me: ${local(r)}@gmаil.com`, 'foreign-address', 'obfuscated-address', 'contact-request'),
  (r) => v(`My gmail is ${pick(r, ['kimshop2024', 'jay.kim88', 'seller_lee7'])}, write there.`, 'foreign-address', 'obfuscated-address'),
  (r) => v(`${local(r)} at ${provider(r)} (replace "at" with @)`, 'foreign-address', 'obfuscated-address'),
];

export const EN_CHANNEL: Make[] = [
  (r) => v(`Call me on ${krMobile(r)} if anything is unclear.`, 'contact-channel', 'contact-request'),
  (r) => v(`My number is ${foreignPhone(r)}.`, 'contact-channel'),
  (r) => v(`WhatsApp: ${pick(r, ['+82 10', '+1 415', '+44 7700'])} ${digits(r, 3)} ${digits(r, 4)}`, 'contact-channel'),
  (r) => v(`Message me here instead: wa.me/8210${digits(r, 8)}`, 'contact-channel'),
  (r) => v(`Our Telegram group is t.me/${pick(r, ['kshop_deals', 'seoulcrafts', 'fastparts_kr'])} — join for faster answers.`, 'contact-channel'),
  (r) => v(`Kakao ID: ${pick(r, ['kshop88', 'seller_lee', 'bootshop_kr'])}`, 'contact-channel'),
  (r) => v(`You'll find more colours on our own site, https://www.${pick(r, OWN_DOMAINS)}/collections/all`, 'contact-channel'),
  (r) => v(`Check ${pick(r, ['www.', ''])}${pick(r, OWN_DOMAINS)} for the full catalogue.`, 'contact-channel'),
  (r) => v(`Open chat: https://open.kakao.com/o/${pick(r, ['sAbC123', 'gXyZ77q', 'pQr45Tu'])}`, 'contact-channel'),
  (r) => v(`WeChat ID: ${pick(r, ['lee_store88', 'kshop_cn', 'silkroad99'])}`, 'contact-channel'),
  (r) => v(`Text ${krMobile(r)} with a photo of the label.`, 'contact-channel'),
  (r) => v(`phone: zero one zero ${'one two three four five six seven eight'.split(' ').sort(() => r() - 0.5).join(' ')}`, 'contact-channel'),
  (r) => v(`Ping me on Skype, live:${pick(r, ['cedar.works', 'kshop.sales', 'lee.trade'])}`, 'contact-channel', 'contact-request'),
  (r) => v(`Follow the link to our shop: ${pick(r, ['bit.ly/3kShoP9', 'linktr.ee/kshop', 'smartstore-outlet.com/kshop'])}`, 'contact-channel'),
];

export const EN_REQUEST: Make[] = [
  () => v('Could you send me your email address? I will forward the manual.', 'contact-request'),
  () => v("What's your phone number? It would be quicker to sort this out by phone.", 'contact-request'),
  () => v('Please share your WhatsApp so we can send you photos.', 'contact-request'),
  () => v("Let's move this conversation to KakaoTalk, it's easier.", 'contact-request'),
  () => v('Contact me directly and I can give you a better price.', 'contact-request'),
  () => v('Can I get your personal email for future orders?', 'contact-request'),
  () => v('Drop me your number and I will call you tomorrow.', 'contact-request'),
  () => v('Do you use Telegram? Much faster than this inbox.', 'contact-request'),
  () => v('We could handle the next order outside the marketplace and save on fees.', 'contact-request'),
  () => v('Leave your phone number here so our courier can call you directly.', 'contact-request'),
  () => v('Is there an email where I can send you the invoice directly?', 'contact-request'),
  () => v('Add me on WeChat so we can talk more.', 'contact-request'),
];

export const EN_MARKETING: Make[] = [
  (r) => v(`Use code ${pick(r, ['SPRING20', 'WELCOME10', 'VIP15', 'THANKS5'])} for ${pick(r, ['10', '15', '20'])}% off your next order!`, 'marketing'),
  () => v('Our new collection just dropped — shop now before the best pieces are gone.', 'marketing'),
  () => v('Follow us on Instagram for restock alerts and giveaways.', 'marketing'),
  () => v('Sign up for our newsletter and be the first to hear about new products.', 'marketing'),
  () => v('Summer sale: up to 50% off all linen this weekend only.', 'marketing'),
  () => v('Limited-time offer: buy one, get one free on all mugs.', 'marketing'),
  () => v("Don't miss our Black Friday sale starting next week!", 'marketing'),
  () => v('Check out our other products — we just launched a ceramic dinner set.', 'marketing'),
  () => v('Members get exclusive discounts: join our VIP club today.', 'marketing'),
  () => v('Free shipping on all orders over $30 this month!', 'marketing'),
];

export const EN_REVIEW: Make[] = [
  () => v('Could you please remove the negative review now that the problem is fixed?', 'review-manipulation'),
  () => v("If you're happy, please give us five stars on the product page!", 'review-manipulation'),
  () => v("We'll send you a $15 gift card once you post a 5-star review.", 'review-manipulation'),
  () => v('Would you be willing to update your rating to reflect the replacement?', 'review-manipulation'),
  () => v('A positive review would really help our small business.', 'review-manipulation'),
  () => v('Delete the 1-star review and we will refund you in full.', 'review-manipulation'),
  () => v('Leave us a glowing review and we will include a free gift in your next parcel.', 'review-manipulation'),
  () => v('Please consider changing your feedback — we did everything we could.', 'review-manipulation'),
  () => v("Rate us 5 stars and we'll refund your shipping!", 'review-manipulation'),
  () => v('Kindly take the bad review down, it was a courier issue, not ours.', 'review-manipulation'),
];
