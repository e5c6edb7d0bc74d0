import { randomUUID } from 'node:crypto';
import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ACS_REQUEST_KINDS, type AcsRequest } from '@acs/cwmp';
import { DEVICE_QUEUE, type BusMessage, type DeviceQueue, type WorkItem } from '@acs/platform';
import { EventTap } from './event-tap';

interface QueueWorkBody {
  rpc?: AcsRequest;
  taskId?: string;
  holdRequests?: boolean;
}

/**
 * The standalone product's minimal way to queue raw RPCs for a device and read back what happened, until the gRPC
 * NBI and provisioning tasks exist. Listens on the management port, which binds to loopback by default.
 */
@Controller('v0')
export class WorkQueueController {
  constructor(
    @Inject(DEVICE_QUEUE) private readonly queue: DeviceQueue,
    private readonly tap: EventTap,
  ) {}

  @Post('devices/:deviceId/work')
  @HttpCode(201)
  async enqueue(@Param('deviceId') deviceId: string, @Body() body: QueueWorkBody): Promise<WorkItem> {
    if (!body?.rpc || typeof body.rpc !== 'object' || !ACS_REQUEST_KINDS.has(body.rpc.kind)) {
      throw new BadRequestException(`body.rpc must be an ACS request with kind one of: ${[...ACS_REQUEST_KINDS].join(', ')}`);
    }
    const item: WorkItem = { id: randomUUID(), deviceId, rpc: body.rpc, taskId: body.taskId, holdRequests: body.holdRequests, enqueuedAt: Date.now() };
    await this.queue.enqueue(item);
    return item;
  }

  @Get('devices/:deviceId/work')
  list(@Param('deviceId') deviceId: string): Promise<WorkItem[]> {
    return this.queue.list(deviceId);
  }

  @Get('events')
  events(@Query('deviceId') deviceId?: string, @Query('type') type?: string, @Query('limit') limit?: string): BusMessage[] {
    const n = limit === undefined ? 1000 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new BadRequestException('limit must be an integer in 1..100000');
    return this.tap.query({ deviceId, type, limit: n });
  }
}
