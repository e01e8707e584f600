import { z } from "zod";
import { fileField, type RouteDoc } from "../http-kit/route-doc.ts";
import { roomIdSchema } from "./routes.ts";

const roomId = roomIdSchema.meta({ description: "The live chat's room id" });
const fileBody = z.object({ file: fileField("The file; its type is read from the bytes, its name is only a label"), roomId });
const voiceBody = z.object({ voice: fileField("The recording (WebM/Opus, Ogg, MP4/M4A, MP3, WAV…)"), roomId });

const uploaded = z.object({
  fileId: z.string(),
  name: z.string().meta({ description: "A display label, sanitised, with an extension matching the real type" }),
  mime: z.string().meta({ description: "The type read from the bytes" }),
  size: z.number().int(),
  duration: z.number().optional().meta({ description: "Voice notes: seconds, measured from the audio" }),
  sensitive: z.literal(true).optional().meta({ description: "An image the screening flagged (IMAGE_SCREENING=blur): the partner's page shows it blurred until tapped; a moderated chat refuses to relay it" }),
}).meta({ id: "Upload" });

const uploadResponses = (what: string) => ({
  201: { description: `The ${what} is stored; send its \`fileId\` in a \`chat:message\``, data: uploaded },
  403: { description: "Not a member of this live chat (FORBIDDEN)" },
  413: { description: "Larger than MAX_FILE_SIZE (PAYLOAD_TOO_LARGE) or over the chat's quota (UPLOAD_QUOTA_EXCEEDED)" },
  415: { description: "A type outside UPLOAD_ALLOWED_TYPES, judged from the bytes (UNSUPPORTED_FILE_TYPE)" },
});

export const uploadRouteDocs: RouteDoc[] = [
  {
    method: "POST",
    path: "/api/uploads",
    tag: "Uploads",
    summary: "Share a file in a chat",
    description:
      "`multipart/form-data` with one file in the field `file` and the chat's `roomId`. Images, PDF, audio, video and " +
      "UTF-8 plain text by default; the type is read from the bytes, the name is only a label. Images are classified " +
      "(nsfwjs, in worker threads) before the partner can see them; see IMAGE_SCREENING.",
    auth: "user",
    multipart: fileBody,
    rateLimited: true,
    responses: {
      ...uploadResponses("file"),
      422: {
        description:
          "An image whose header claims more than IMAGE_MAX_PIXELS pixels (IMAGE_TOO_LARGE), or one the screening flagged when IMAGE_SCREENING=refuse (IMAGE_REFUSED)",
      },
      503: { description: "Too many images waiting to be screened (SERVICE_UNAVAILABLE, with Retry-After)" },
    },
  },
  {
    method: "POST",
    path: "/api/uploads/voice",
    tag: "Uploads",
    summary: "Share a voice note in a chat",
    description:
      "`multipart/form-data` with the recording in the field `voice` and the chat's `roomId`. Audio only (WebM/Opus from " +
      "MediaRecorder, Ogg, MP4/M4A, MP3, WAV…), at most MAX_VOICE_DURATION seconds, measured from the audio.",
    auth: "user",
    multipart: voiceBody,
    rateLimited: true,
    responses: {
      ...uploadResponses("voice note"),
      422: { description: "Longer than allowed (VOICE_TOO_LONG) or its length cannot be measured (VOICE_UNREADABLE)" },
    },
  },
  {
    method: "GET",
    path: "/api/uploads/:id",
    tag: "Uploads",
    summary: "Fetch a file or voice note of your chat",
    description:
      "Only the two members of the chat may fetch it, and only while the chat lasts. Supports `Range`. " +
      "Anything but images, audio, video and PDF is sent as an attachment.",
    auth: "user",
    params: z.object({ id: z.string() }),
    responses: {
      200: { description: "The bytes, with their real type", raw: { contentType: "application/octet-stream" } },
      206: { description: "One range of the bytes", raw: { contentType: "application/octet-stream" } },
      403: { description: "The file belongs to another chat (FORBIDDEN)" },
      404: { description: "Unknown, or gone with its chat (NOT_FOUND)" },
      416: { description: "The range is outside the file (RANGE_NOT_SATISFIABLE)" },
    },
  },
];
